import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export const agencies = sqliteTable(
  'agencies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    level: text('level', { enum: ['province', 'city', 'county'] }).notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => agencies.id, { onDelete: 'restrict' }),
    staff: integer('staff').notNull().default(0),
    authorizedPosts: integer('authorized_posts'),
    offices: integer('offices').notNull().default(1),
    latitude: real('latitude'),
    longitude: real('longitude'),
  },
  (t) => [
    index('agencies_parent').on(t.parentId),
    check('agencies_level', sql`${t.level} in ('province','city','county')`),
    check('agencies_counts', sql`${t.staff} >= 0 and ${t.offices} >= 0 and (${t.authorizedPosts} is null or ${t.authorizedPosts} >= 0)`),
  ],
);
