import { z } from 'zod';
import type { AssetStatus } from '../lib/domain/assets';
import { code } from '../lib/domain/values';
import { op } from './op';

export interface Overview {
  date: string;
  /** The rule set the shortfall is measured against, by its name (国家 2020 年版配备标准). */
  ruleSetName: string;
  agencies: number;
  /** Assets not scrapped, by status. */
  byStatus: Record<AssetStatus, number>;
  /** Agencies short of at least one basic item at their own level. */
  agenciesBelowStandard: number;
  shortfallUnits: number;
  /** Units due for replacement today by their item's rule (service years, or the odometer limit). */
  replacementDue: number;
  vehiclesDue: number;
  vehicles: number;
  calibrationsExpiring: number;
  maintenanceDue: number;
  /** Service contracts signed or covering in scope whose last day is within 30 days. */
  contractsEnding: number;
  /** The book value today of the units on the books (政府会计准则第3号), in fen. */
  bookValueFen: number;
  /** Where the shortfall is largest. */
  worst: { agency: string; name: string; shortfall: number }[];
}

/** The first screen's figures. */
export const overviewOps = {
  'overview/summary': op(z.object({ agency: code.optional(), ruleSet: z.string().max(50).optional() }), 'read').returns<Overview>(),
} as const;
