/** Who is asking. Built once per request by the auth hook; services and the policy read it. */
export interface RequestContext {
  userId: string
  isSuperadmin: boolean
  canCreateMonitors: boolean
  /** Teams the user belongs to, with their role; empty until teams ship. */
  teams: readonly { teamId: string; role: 'owner' | 'admin' | 'editor' | 'viewer' }[]
}
