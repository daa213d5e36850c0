import rules from './data/replacement.json' with { type: 'json' };

/** Vehicles are due for replacement once they have served `years` or run `km` (the Jilin criteria). */
export interface VehicleReplacementRule {
  items: string[];
  years: number;
  km: number;
}

export const VEHICLE_REPLACEMENT: VehicleReplacementRule = rules.vehicles;
