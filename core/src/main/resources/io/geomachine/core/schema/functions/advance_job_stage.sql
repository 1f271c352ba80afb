-- Advances a job past p_current_stage exactly once: a compare-and-set on (stage, status) so a
-- duplicate "stage completed" message finds nothing to update (job_updated = false).
-- GeoMachine's changes to seed 000, keeping its first three parameters and its result columns:
--   * guarded on status = 'processing' as well, so a finished or cancelled job never moves;
--   * the stored stage stays within 1..total_stages (new_stage still reports total_stages + 1
--     after the final stage, as the seed did);
--   * optional p_final_status / p_result_data finish the job in the same statement, so a job is
--     never 'completed' without its result.
-- The seed's three-parameter signature is replaced (a second overload would make calls ambiguous).
DROP FUNCTION IF EXISTS "app"."advance_job_stage"(VARCHAR, INTEGER, JSONB);

CREATE OR REPLACE FUNCTION "app"."advance_job_stage"(
    p_job_id VARCHAR(64),
    p_current_stage INTEGER,
    p_stage_results JSONB DEFAULT NULL,
    p_final_status "app"."job_status" DEFAULT 'completed',
    p_result_data JSONB DEFAULT NULL
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
BEGIN
    UPDATE app.jobs
    SET
        stage = LEAST(stage + 1, total_stages),
        stage_results = CASE
            WHEN p_stage_results IS NOT NULL THEN
                stage_results || jsonb_build_object(p_current_stage::text, p_stage_results)
            ELSE stage_results
        END,
        status = CASE
            WHEN stage + 1 > total_stages THEN p_final_status
            ELSE 'processing'::app.job_status
        END,
        result_data = CASE
            WHEN stage + 1 > total_stages THEN p_result_data
            ELSE result_data
        END,
        updated_at = NOW()
    WHERE
        job_id = p_job_id
        AND stage = p_current_stage
        AND status = 'processing'
    RETURNING total_stages
    INTO v_total_stages;

    IF v_total_stages IS NULL THEN
        RETURN QUERY SELECT FALSE, NULL::INTEGER, NULL::BOOLEAN;
        RETURN;
    END IF;

    RETURN QUERY SELECT
        TRUE,
        p_current_stage + 1,
        p_current_stage + 1 > v_total_stages;
END;
$$;
