import { z } from 'zod';
import { countOf, latitude, longitude } from './values';

export type Level = 'province' | 'city' | 'county';
export const LEVELS: readonly Level[] = ['province', 'city', 'county'];

/** A parent agency must rank above its children: province 0, city 1, county 2. */
export const LEVEL_RANK: Record<Level, number> = { province: 0, city: 1, county: 2 };

/** An enforcement agency (执法机构) as the ledger keeps it. */
export interface AgencyRecord {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  /** Enforcement staff (执法人员数). */
  staff: number;
  authorizedPosts: number | null;
  offices: number;
  longitude: number | null;
  latitude: number | null;
}

export const AGENCY_FIELDS = z.object({
  name: z.string().trim().min(1, '机构名称必填').max(100),
  staff: countOf('执法人员数', 100_000),
  authorizedPosts: countOf('编制数', 100_000).nullable(),
  offices: countOf('办公室数', 10_000),
  longitude: longitude.nullable(),
  latitude: latitude.nullable(),
});
export type AgencyFields = z.infer<typeof AGENCY_FIELDS>;

export const NEW_AGENCY = AGENCY_FIELDS.extend({
  code: z.string().trim().min(1, '机构编码必填').max(50),
  level: z.enum(['province', 'city', 'county']),
  parentCode: z.string().trim().max(50).nullable(),
});

export type AgencyNode = AgencyRecord & { id: number };

/** An agency as an import brings it in. */
export interface AgencyInput extends AgencyRecord {
  /** 0-based row in the sheet. */
  row: number;
}

/** What the ledger already knows of an agency a file names: an import may not move it in the tree or change its level. */
export interface ExistingAgency {
  level: Level;
  parentCode: string | null;
}
