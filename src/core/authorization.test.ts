import { describe, expect, it } from 'vitest'
import {
  canChange,
  canSee,
  decideAccess,
  listScope,
  matchesOwner,
  ownerIdOf,
  systemViewer,
  toViewer,
  unauthenticatedViewer,
  type Viewer,
} from './authorization.ts'

const principal = (id: string, ...scopes: string[]): Viewer => toViewer({ id, kind: 'api_key', scopes })

const alice = principal('key:alice', 'executions:read', 'sessions:read')
const reader = principal('key:reader', 'executions:read', 'executions:read_all')
const admin = principal('key:ops', 'admin')
const star = principal('key:root', '*')

describe('the authorization policy', () => {
  it('lets owners see and change their own resources, and nobody else’s', () => {
    expect(decideAccess(alice, 'key:alice', 'read')).toBe('allowed')
    expect(decideAccess(alice, 'key:alice', 'change')).toBe('allowed')
    expect(decideAccess(alice, 'key:bob', 'read')).toBe('hidden')
    expect(decideAccess(alice, 'key:bob', 'change')).toBe('hidden')
  })

  it('lets read_all read everyone’s resources but change only its own', () => {
    expect(decideAccess(reader, 'key:bob', 'read')).toBe('allowed')
    expect(decideAccess(reader, 'key:bob', 'change')).toBe('forbidden')
    expect(decideAccess(reader, null, 'change')).toBe('forbidden')
    expect(decideAccess(reader, 'key:reader', 'change')).toBe('allowed')
  })

  it('lets admin, `*` and the host’s code see and change everything, unowned included', () => {
    for (const viewer of [admin, star, systemViewer]) {
      for (const owner of ['key:bob', null]) {
        expect(canSee(viewer, owner)).toBe(true)
        expect(canChange(viewer, owner)).toBe(true)
      }
    }
  })

  it('shows unowned resources to nobody else, and nothing to an unauthenticated request', () => {
    expect(decideAccess(alice, null, 'read')).toBe('hidden')
    for (const owner of ['key:bob', null, 'anonymous']) {
      expect(decideAccess(unauthenticatedViewer, owner, 'read')).toBe('hidden')
    }
    expect(listScope(unauthenticatedViewer)).toEqual({ kind: 'nothing' })
  })

  it('filters lists by the owner, unless the viewer sees everything', () => {
    expect(listScope(alice)).toEqual({ kind: 'owner', ownerId: 'key:alice' })
    expect(listScope(reader)).toEqual({ kind: 'everyone' })
    expect(listScope(systemViewer)).toEqual({ kind: 'everyone' })
  })

  it('records what the host’s code and unauthenticated requests create as unowned', () => {
    expect(ownerIdOf(alice)).toBe('key:alice')
    expect(ownerIdOf(systemViewer)).toBeNull()
    expect(ownerIdOf(unauthenticatedViewer)).toBeNull()
    expect(matchesOwner(systemViewer, null)).toBe(true)
    expect(matchesOwner(alice, null)).toBe(false)
    expect(matchesOwner(admin, 'key:alice')).toBe(false)
  })
})
