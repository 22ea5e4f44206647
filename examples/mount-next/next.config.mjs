/** @type {import('next').NextConfig} */
const nextConfig = {
  // Optional: serve the whole app under a prefix, e.g. NEXT_BASE_PATH=/shop.
  basePath: process.env.NEXT_BASE_PATH ?? '',
  // agentgw loads workspace files and tool handlers at run time: keep it out of the bundle.
  serverExternalPackages: ['agentgw'],
}

export default nextConfig
