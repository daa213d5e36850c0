CREATE TABLE "import_files" (
	"token" text PRIMARY KEY NOT NULL,
	"owner_id" bigint,
	"file_name" text NOT NULL,
	"encoding" text,
	"delimiter" text,
	"bytes" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_files_owner" ON "import_files" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "import_files_created" ON "import_files" USING btree ("created_at");