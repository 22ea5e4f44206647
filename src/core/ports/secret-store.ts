/**
 * Named secrets the instances of one gateway share (e.g. the dashboard's cookie-signing key).
 * `getOrCreate` is atomic across instances: the first writer wins and everyone reads its value.
 */
export interface SecretStore {
  getOrCreate(name: string, create: () => string): Promise<string>
}
