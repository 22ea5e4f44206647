// Demo data: a stable outlook derived from the city name, so answers are reproducible offline.
const conditions = ['sunny', 'partly cloudy', 'cloudy', 'light rain', 'windy'] as const

interface Args {
  city: string
  days?: number
}

export function handle(args: Args) {
  const seed = [...args.city.toLowerCase()].reduce((sum, char) => sum + char.charCodeAt(0), 0)
  const days = Array.from({ length: args.days ?? 3 }, (_, index) => ({
    day: index + 1,
    condition: conditions[(seed + index) % conditions.length],
    high_c: 14 + ((seed + index * 3) % 14),
    low_c: 6 + ((seed + index * 5) % 8),
  }))
  return { city: args.city, days }
}
