/** Order statistics for benchmark samples: medians resist the outliers a shared machine produces. */

/** The q-quantile (0..1) of `values` by linear interpolation; `values` need not be sorted. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, extremes and spread (interquartile range as a percentage of the median) of a sample set. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  spreadPct: number;
  samples: number;
}

export function summarize(values: readonly number[]): Summary {
  const mid = median(values);
  const iqr = quantile(values, 0.75) - quantile(values, 0.25);
  return {
    median: mid,
    min: Math.min(...values),
    max: Math.max(...values),
    spreadPct: mid === 0 ? 0 : (iqr / Math.abs(mid)) * 100,
    samples: values.length,
  };
}
