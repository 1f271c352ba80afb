-- Reports whether every task of a job is done and the job is on its last stage, with the task
-- results. Unknown job ids give (false, 0, 0, 0, '[]').
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
    SELECT j.job_id, j.job_type, j.status, j.stage, j.total_stages, j.stage_results
    INTO v_job_record
    FROM app.jobs j
    WHERE j.job_id = p_job_id
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
        COUNT(*)::BIGINT AS total_tasks,
        COUNT(CASE WHEN t.status = 'completed' THEN 1 END)::BIGINT AS completed_tasks,
        COUNT(CASE WHEN t.status = 'failed' THEN 1 END)::BIGINT AS failed_tasks,
        COALESCE(
            jsonb_agg(
                jsonb_build_object(
                    'task_id', t.task_id,
                    'task_type', t.task_type,
                    'stage', t.stage,
                    'task_index', t.task_index,
                    'status', t.status::text,
                    'result_data', t.result_data,
                    'error_details', t.error_details
                )
            ) FILTER (WHERE t.result_data IS NOT NULL OR t.error_details IS NOT NULL),
            '[]'::jsonb
        ) AS task_results
    INTO v_task_counts
    FROM app.tasks t
    WHERE t.parent_job_id = p_job_id;

    RETURN QUERY SELECT
        (
            v_task_counts.total_tasks > 0 AND
            (v_task_counts.completed_tasks + v_task_counts.failed_tasks) = v_task_counts.total_tasks AND
            v_job_record.stage >= v_job_record.total_stages
        ),
        v_job_record.stage,
        v_task_counts.total_tasks,
        v_task_counts.completed_tasks,
        v_task_counts.task_results;
END;
$$;
