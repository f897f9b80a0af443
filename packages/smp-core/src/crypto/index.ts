// Crypto toolbox exports (filled in as the modules land).
export {};
