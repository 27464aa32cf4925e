// The firmware's version, reported by every bundle.
export const version = '0.2.0';
