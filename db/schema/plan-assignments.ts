import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';
import { assets } from './assets';
import { custodyRecords } from './custody-records';
import { maintenanceRecords } from './maintenance-records';
import { plans } from './plans';
import { tasks } from './tasks';

/** One unit sent from its agency to a task; a commitment while its plan is approved or dispatched and it is not back. */
export const planAssignments = sqliteTable(
  'plan_assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: integer('plan_id').notNull().references(() => plans.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').notNull().references(() => tasks.id, { onDelete: 'restrict' }),
    assetId: integer('asset_id').notNull().references(() => assets.id, { onDelete: 'restrict' }),
    fromAgencyId: integer('from_agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    itemCode: text('item_code').notNull(),
    km: real('km').notNull(),
    custodyId: integer('custody_id').references(() => custodyRecords.id, { onDelete: 'set null' }),
    returnedAt: text('returned_at'),
    returnOdometerKm: integer('return_odometer_km'),
    damageNote: text('damage_note'),
    maintenanceId: integer('maintenance_id').references(() => maintenanceRecords.id, { onDelete: 'set null' }),
  },
  (t) => [index('plan_assignments_plan').on(t.planId), index('plan_assignments_asset').on(t.assetId)],
);
