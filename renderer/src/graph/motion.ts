/**
 * How long a viewport animation lasts: none when the user (or a test browser) asks for reduced motion,
 * so nothing on screen depends on an animation finishing.
 */
export function viewportDuration(ms: number): number {
  const reduce = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return reduce ? 0 : ms;
}
