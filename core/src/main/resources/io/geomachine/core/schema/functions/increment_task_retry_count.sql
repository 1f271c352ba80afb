-- Starts the next attempt of a task whose retry is due: pending_retry -> retrying, retry_count + 1.
-- Seed 000 set any task back to 'queued' whatever its status (it could resurrect a completed task);
-- here the transition is guarded, and NULL comes back when the task was not waiting for a retry.
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
        status = 'retrying'::app.task_status,
        updated_at = NOW()
    WHERE task_id = p_task_id
      AND status = 'pending_retry'
    RETURNING retry_count INTO v_new_retry_count;

    RETURN QUERY SELECT v_new_retry_count;
END;
$$;
