-- Completes a task that is 'processing' (a guarded transition: any other status is left alone and
-- reported as task_updated = false, which is how a duplicate message is recognised) and tells the
-- caller whether it was the last open task of its stage ("last task turns out the lights").
-- GeoMachine keeps the seed's signature and results but counts with app.stage_progress: one row
-- update (its row lock serialises the stage's completions, so exactly one caller sees zero) instead
-- of counting every task of the stage under an advisory lock. A stage created without a progress
-- row falls back to the seed's lock-and-count. The optional p_worker_id (GeoMachine's addition)
-- completes the task only for the worker that holds its lease, so a worker whose lease expired and
-- whose task was handed to another worker cannot complete it.
-- The seed's five-parameter signature is replaced (a second overload would make calls ambiguous).
DROP FUNCTION IF EXISTS "app"."complete_task_and_check_stage"(VARCHAR, VARCHAR, INTEGER, JSONB, TEXT);

CREATE OR REPLACE FUNCTION "app"."complete_task_and_check_stage"(
    p_task_id VARCHAR(100),
    p_job_id VARCHAR(64),
    p_stage INTEGER,
    p_result_data JSONB DEFAULT NULL,
    p_error_details TEXT DEFAULT NULL,
    p_worker_id VARCHAR(100) DEFAULT NULL
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
        lease_expires_at = NULL,
        updated_at = NOW()
    WHERE
        task_id = p_task_id
        AND parent_job_id = p_job_id
        AND stage = p_stage
        AND status = 'processing'
        AND (p_worker_id IS NULL OR worker_id = p_worker_id)
    RETURNING parent_job_id, stage, status
    INTO v_job_id, v_stage, v_task_status;

    IF v_job_id IS NULL THEN
        RETURN QUERY SELECT FALSE, FALSE, NULL::VARCHAR(64), NULL::INTEGER, 0::INTEGER;
        RETURN;
    END IF;

    UPDATE app.stage_progress sp
    SET tasks_done = sp.tasks_done + 1
    WHERE sp.job_id = v_job_id AND sp.stage = v_stage
    RETURNING sp.task_count - sp.tasks_done INTO v_remaining;

    IF v_remaining IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(v_job_id || ':stage:' || v_stage::text));

        SELECT COUNT(*)::INTEGER INTO v_remaining
        FROM app.tasks t
        WHERE t.parent_job_id = v_job_id
          AND t.stage = v_stage
          AND t.status NOT IN ('completed', 'failed');
    END IF;

    RETURN QUERY SELECT
        TRUE,
        v_remaining = 0,
        v_job_id,
        v_stage,
        v_remaining;
END;
$$;
