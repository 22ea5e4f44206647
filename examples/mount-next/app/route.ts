/** The host's own route at `/`. */
export function GET(): Response {
  return Response.json({ message: 'Main application' })
}
