import path from 'node:path'
import { Gateway } from 'agentgw'

/**
 * One gateway for the app. Next runs route handlers from `.next/`, so the workspace is found
 * from the project folder (`next dev` runs there). It starts on its first request.
 */
export const gateway = new Gateway({ workspace: path.join(process.cwd(), '../quickstart/workspace') })
