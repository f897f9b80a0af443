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
  /** First and third quartiles: the middle half of the samples lies between them. */
  q1: number;
  q3: number;
  min: number;
  max: number;
  spreadPct: number;
  samples: number;
}

export function summarize(values: readonly number[]): Summary {
  const mid = median(values);
  const q1 = quantile(values, 0.25);
  const q3 = quantile(values, 0.75);
  return {
    median: mid,
    q1,
    q3,
    min: Math.min(...values),
    max: Math.max(...values),
    spreadPct: mid === 0 ? 0 : ((q3 - q1) / Math.abs(mid)) * 100,
    samples: values.length,
  };
}
