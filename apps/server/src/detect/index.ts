export { backtest, type BacktestOptions } from './backtest.ts';
export { KpiDetector, defaultAnomalyDirection, isWatched, type KpiDetectorOptions } from './ensemble.ts';
export { SENSITIVITY_Z, scoreThreshold, zToScore, type Assessment } from './score.ts';
