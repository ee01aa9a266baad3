import { z } from 'zod';
import type { ShareView } from './share.ts';

/** Roles, each allowing what the one before allows: viewers read, editors change the model, admins manage people and tokens. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a machine token may do: send events, read like a viewer, or anything an admin may. */
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const MIN_PASSWORD_LENGTH = 10;

const username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit');
const password = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);
const label = z.string().trim().min(1, 'is required').max(200);

export const LoginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
export const CreateUserSchema = z.strictObject({ name: username, role: z.enum(ROLES), password });
export const UpdateUserSchema = z
  .strictObject({ role: z.enum(ROLES).optional(), password: password.optional() })
  .refine((u) => u.role !== undefined || u.password !== undefined, 'give a role, a password or both');
export const ChangePasswordSchema = z.strictObject({ current: z.string().min(1).max(1024), password });
export const CreateTokenSchema = z.strictObject({ name: label, scopes: z.array(z.enum(SCOPES)).min(1, 'give at least one scope') });
export const CreateKioskSchema = z.strictObject({ board: z.string().min(1).max(128), name: label.optional() });

/** GET /api/v1/auth/me */
export type MeResponse =
  | { auth: false }
  | { auth: true; user: { name: string; role: Role }; csrfToken: string }
  | { auth: true; token: { name: string; scopes: Scope[] } }
  | { auth: true; kiosk: { board: string } }
  /** A read-only share link (share.ts): it shows one view and nothing else. */
  | { auth: true; share: { id: string; view: ShareView } };

export interface UserInfo {
  name: string;
  role: Role;
  createdAt: number;
}

export interface TokenInfo {
  id: string;
  kind: 'api' | 'kiosk';
  name: string;
  scopes: Scope[];
  board?: string;
  createdBy: string;
  createdAt: number;
}

/** GET /api/v1/auth/oidc: whether the login page offers single sign-on, and with whom. */
export interface SsoInfo {
  enabled: boolean;
  /** "Sign in with <name>". */
  name?: string;
}

/** The answer to creating a token: the secret itself, shown this once. */
export interface CreatedToken extends TokenInfo {
  token: string;
}
