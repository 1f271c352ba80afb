-- ============================================================================
-- STEP 2: CREATE APP SCHEMA
-- Generated from Pydantic models (PydanticToSQL)
-- Date: 25 NOV 2025
-- ============================================================================

-- 2.1: Create schema
CREATE SCHEMA IF NOT EXISTS "app";
SET search_path TO "app", public;

-- 2.2: Create ENUM types
DROP TYPE IF EXISTS "app"."job_status" CASCADE;
CREATE TYPE "app"."job_status" AS ENUM ('queued', 'processing', 'completed', 'failed', 'completed_with_errors');

DROP TYPE IF EXISTS "app"."task_status" CASCADE;
CREATE TYPE "app"."task_status" AS ENUM ('queued', 'processing', 'completed', 'failed', 'retrying', 'pending_retry', 'cancelled');

DROP TYPE IF EXISTS "app"."platform_request_status" CASCADE;
CREATE TYPE "app"."platform_request_status" AS ENUM ('pending', 'processing', 'completed', 'failed');

DROP TYPE IF EXISTS "app"."data_type" CASCADE;
CREATE TYPE "app"."data_type" AS ENUM ('raster', 'vector', 'pointcloud', 'mesh_3d', 'tabular');

DROP TYPE IF EXISTS "app"."janitor_run_type" CASCADE;
CREATE TYPE "app"."janitor_run_type" AS ENUM ('task_watchdog', 'job_health', 'orphan_detector');

DROP TYPE IF EXISTS "app"."janitor_run_status" CASCADE;
CREATE TYPE "app"."janitor_run_status" AS ENUM ('running', 'completed', 'failed');

-- 2.3: Create tables
CREATE TABLE IF NOT EXISTS "app"."jobs" (
    "job_id" VARCHAR(64) NOT NULL,
    "job_type" VARCHAR(100) NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "status" "app"."job_status" NOT NULL DEFAULT 'queued'::job_status,
    "stage" INTEGER NOT NULL DEFAULT 1,
    "total_stages" INTEGER NOT NULL DEFAULT 1,
    "stage_results" JSONB NOT NULL DEFAULT '{}',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "result_data" JSONB,
    "error_details" VARCHAR,
    "created_at" TIMESTAMP NOT NULL DEFAULT NOW(),
    "updated_at" TIMESTAMP NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("job_id")
);

CREATE TABLE IF NOT EXISTS "app"."tasks" (
    "task_id" VARCHAR(100) NOT NULL,
    "parent_job_id" VARCHAR(64) NOT NULL,
    "job_type" VARCHAR(100) NOT NULL,
    "task_type" VARCHAR(100) NOT NULL,
    "stage" INTEGER NOT NULL,
    "task_index" VARCHAR(50) NOT NULL DEFAULT '0',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "status" "app"."task_status" NOT NULL DEFAULT 'queued'::task_status,
    "result_data" JSONB,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "error_details" VARCHAR,
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "heartbeat" TIMESTAMP,
    "next_stage_params" JSONB,
    "created_at" TIMESTAMP NOT NULL DEFAULT NOW(),
    "updated_at" TIMESTAMP NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("task_id"),
    FOREIGN KEY ("parent_job_id") REFERENCES "app"."jobs" ("job_id") ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS "app"."api_requests" (
    "request_id" VARCHAR(32) NOT NULL,
    "dataset_id" VARCHAR(255) NOT NULL,
    "resource_id" VARCHAR(255) NOT NULL,
    "version_id" VARCHAR(50) NOT NULL,
    "job_id" VARCHAR(64) NOT NULL,
    "data_type" VARCHAR(50) NOT NULL,
    "created_at" TIMESTAMP NOT NULL DEFAULT NOW(),
    PRIMARY KEY ("request_id")
);

CREATE TABLE IF NOT EXISTS "app"."janitor_runs" (
    "run_id" VARCHAR NOT NULL,
    "run_type" VARCHAR NOT NULL,
    "started_at" TIMESTAMP NOT NULL,
    "completed_at" TIMESTAMP,
    "duration_ms" INTEGER,
    "status" VARCHAR NOT NULL DEFAULT 'running',
    "items_scanned" INTEGER NOT NULL DEFAULT 0,
    "items_fixed" INTEGER NOT NULL DEFAULT 0,
    "actions_taken" JSONB NOT NULL,
    "error_details" VARCHAR,
    PRIMARY KEY ("run_id")
);

-- 2.4: Create indexes
CREATE INDEX IF NOT EXISTS "idx_jobs_status" ON "app"."jobs" ("status");
CREATE INDEX IF NOT EXISTS "idx_jobs_job_type" ON "app"."jobs" ("job_type");
CREATE INDEX IF NOT EXISTS "idx_jobs_created_at" ON "app"."jobs" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_jobs_updated_at" ON "app"."jobs" ("updated_at");
CREATE INDEX IF NOT EXISTS "idx_tasks_parent_job_id" ON "app"."tasks" ("parent_job_id");
CREATE INDEX IF NOT EXISTS "idx_tasks_status" ON "app"."tasks" ("status");
CREATE INDEX IF NOT EXISTS "idx_tasks_job_stage" ON "app"."tasks" ("parent_job_id", "stage");
CREATE INDEX IF NOT EXISTS "idx_tasks_job_stage_status" ON "app"."tasks" ("parent_job_id", "stage", "status");
CREATE INDEX IF NOT EXISTS "idx_tasks_heartbeat" ON "app"."tasks" ("heartbeat") WHERE "heartbeat" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "idx_tasks_retry_count" ON "app"."tasks" ("retry_count") WHERE "retry_count" > 0;
CREATE INDEX IF NOT EXISTS "idx_api_requests_dataset_id" ON "app"."api_requests" ("dataset_id");
CREATE INDEX IF NOT EXISTS "idx_api_requests_created_at" ON "app"."api_requests" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_janitor_runs_started_at" ON "app"."janitor_runs" ("started_at" DESC);
CREATE INDEX IF NOT EXISTS "idx_janitor_runs_type" ON "app"."janitor_runs" ("run_type");

-- 2.5: Create functions
CREATE OR REPLACE FUNCTION "app"."complete_task_and_check_stage"(
    p_task_id VARCHAR(100),
    p_job_id VARCHAR(64),
    p_stage INTEGER,
    p_result_data JSONB DEFAULT NULL,
    p_error_details TEXT DEFAULT NULL
)
RETURNS TABLE (
    task_updated BOOLEAN,
    is_last_task_in_stage BOOLEAN,
    job_id VARCHAR(64),
    stage_number INTEGER,
    remaining_tasks INTEGER
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_job_id VARCHAR(64);
    v_stage INTEGER;
    v_remaining INTEGER;
    v_task_status app.task_status;
BEGIN
    UPDATE app.tasks
    SET
        status = CASE
            WHEN p_error_details IS NOT NULL THEN 'failed'::app.task_status
            ELSE 'completed'::app.task_status
        END,
        result_data = p_result_data,
        error_details = p_error_details,
        updated_at = NOW()
    WHERE
        task_id = p_task_id
        AND parent_job_id = p_job_id
        AND stage = p_stage
        AND status = 'processing'
    RETURNING parent_job_id, stage, status
    INTO v_job_id, v_stage, v_task_status;

    IF v_job_id IS NULL THEN
        RETURN QUERY SELECT FALSE, FALSE, NULL::VARCHAR(64), NULL::INTEGER, 0::INTEGER;
        RETURN;
    END IF;

    PERFORM pg_advisory_xact_lock(hashtext(v_job_id || ':stage:' || v_stage::text));

    SELECT COUNT(*)::INTEGER INTO v_remaining
    FROM app.tasks
    WHERE parent_job_id = v_job_id
      AND stage = v_stage
      AND status NOT IN ('completed', 'failed');

    RETURN QUERY SELECT
        TRUE,
        v_remaining = 0,
        v_job_id,
        v_stage,
        v_remaining;
END;
$$;

CREATE OR REPLACE FUNCTION "app"."advance_job_stage"(
    p_job_id VARCHAR(64),
    p_current_stage INTEGER,
    p_stage_results JSONB DEFAULT NULL
)
RETURNS TABLE (
    job_updated BOOLEAN,
    new_stage INTEGER,
    is_final_stage BOOLEAN
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_total_stages INTEGER;
    v_new_stage INTEGER;
BEGIN
    UPDATE app.jobs
    SET
        stage = stage + 1,
        stage_results = CASE
            WHEN p_stage_results IS NOT NULL THEN
                stage_results || jsonb_build_object(p_current_stage::text, p_stage_results)
            ELSE stage_results
        END,
        status = CASE
            WHEN stage + 1 > total_stages THEN 'completed'::app.job_status
            ELSE 'processing'::app.job_status
        END,
        updated_at = NOW()
    WHERE
        job_id = p_job_id
        AND stage = p_current_stage
    RETURNING stage, total_stages
    INTO v_new_stage, v_total_stages;

    IF v_new_stage IS NULL THEN
        RETURN QUERY SELECT FALSE, NULL::INTEGER, NULL::BOOLEAN;
        RETURN;
    END IF;

    RETURN QUERY SELECT
        TRUE,
        v_new_stage,
        v_new_stage > v_total_stages;
END;
$$;

CREATE OR REPLACE FUNCTION "app"."check_job_completion"(
    p_job_id VARCHAR(64)
)
RETURNS TABLE (
    job_complete BOOLEAN,
    final_stage INTEGER,
    total_tasks BIGINT,
    completed_tasks BIGINT,
    task_results JSONB
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_job_record RECORD;
    v_task_counts RECORD;
BEGIN
    SELECT job_id, job_type, status, stage, total_stages, stage_results
    INTO v_job_record
    FROM app.jobs
    WHERE job_id = p_job_id
    FOR UPDATE;

    IF v_job_record.job_id IS NULL THEN
        RETURN QUERY SELECT
            FALSE,
            0::INTEGER,
            0::BIGINT,
            0::BIGINT,
            '[]'::jsonb;
        RETURN;
    END IF;

    SELECT
        COUNT(*)::BIGINT as total_tasks,
        COUNT(CASE WHEN status = 'completed' THEN 1 END)::BIGINT as completed_tasks,
        COUNT(CASE WHEN status = 'failed' THEN 1 END)::BIGINT as failed_tasks,
        COALESCE(
            jsonb_agg(
                jsonb_build_object(
                    'task_id', task_id,
                    'task_type', task_type,
                    'stage', stage,
                    'task_index', task_index,
                    'status', status::text,
                    'result_data', result_data,
                    'error_details', error_details
                )
            ) FILTER (WHERE result_data IS NOT NULL OR error_details IS NOT NULL),
            '[]'::jsonb
        ) as task_results
    INTO v_task_counts
    FROM app.tasks
    WHERE parent_job_id = p_job_id;

    RETURN QUERY SELECT
        (
            v_task_counts.total_tasks > 0 AND
            (v_task_counts.completed_tasks + v_task_counts.failed_tasks) = v_task_counts.total_tasks AND
            v_job_record.stage >= v_job_record.total_stages
        ) as job_complete,
        v_job_record.stage as final_stage,
        v_task_counts.total_tasks,
        v_task_counts.completed_tasks,
        v_task_counts.task_results;
END;
$$;

CREATE OR REPLACE FUNCTION "app"."increment_task_retry_count"(
    p_task_id VARCHAR(100)
)
RETURNS TABLE (
    new_retry_count INTEGER
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_new_retry_count INTEGER;
BEGIN
    UPDATE app.tasks
    SET
        retry_count = retry_count + 1,
        status = 'queued'::app.task_status,
        updated_at = NOW()
    WHERE task_id = p_task_id
    RETURNING retry_count INTO v_new_retry_count;

    RETURN QUERY SELECT v_new_retry_count;
END;
$$;

CREATE OR REPLACE FUNCTION "app"."update_updated_at_column"()
RETURNS TRIGGER
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$;

-- 2.6: Create triggers
DROP TRIGGER IF EXISTS "update_jobs_updated_at" ON "app"."jobs";
CREATE TRIGGER "update_jobs_updated_at"
    BEFORE UPDATE ON "app"."jobs"
    FOR EACH ROW
    EXECUTE FUNCTION "app"."update_updated_at_column"();

DROP TRIGGER IF EXISTS "update_tasks_updated_at" ON "app"."tasks";
CREATE TRIGGER "update_tasks_updated_at"
    BEFORE UPDATE ON "app"."tasks"
    FOR EACH ROW
    EXECUTE FUNCTION "app"."update_updated_at_column"();
