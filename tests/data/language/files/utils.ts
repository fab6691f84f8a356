export function debounce<T extends (...args: any[]) => void>(fn: T, wait = 100): T {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return function (this: unknown, ...args: Parameters<T>) {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn.apply(this, args), wait);
  } as T;
}

export const clamp = (value: number, min: number, max: number): number =>
  Math.min(Math.max(value, min), max);

export enum LogLevel {
  Debug = 0,
  Info,
  Warn,
  Error,
}

export async function fetchJson<R>(url: string, init?: RequestInit): Promise<R> {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(`HTTP ${response.status} for ${url}`);
  }
  return (await response.json()) as R;
}
