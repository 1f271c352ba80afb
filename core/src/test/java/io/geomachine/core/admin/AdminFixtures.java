package io.geomachine.core.admin;

import io.geomachine.core.stac.StacDocuments;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.List;

/** Realistic rows in every app table, in pgstac (collections, items, a search) and in geo. */
public final class AdminFixtures {
  private AdminFixtures() {}

  /** Fills app, pgstac and geo consistently (no orphans); returns the job ids. */
  public static List<String> populate(Pool pool) {
    String done = Sql.newJobId();
    String running = Sql.newJobId();
    Sql.insertJob(pool, done, "completed", 2, 2);
    Sql.insertJob(pool, running, "processing", 1, 2);
    for (int i = 0; i < 3; i++) {
      Sql.insertTask(pool, running.substring(0, 40) + "-s1-" + i, running, 1, "" + i, "queued");
    }
    Sql.update(
        pool,
        "INSERT INTO app.stage_progress (job_id, stage, task_count, tasks_done)"
            + " VALUES ($1, 1, 3, 0)",
        running);
    Sql.update(
        pool,
        "INSERT INTO app.api_requests (request_id, dataset_id, resource_id, version_id, job_id,"
            + " data_type) VALUES (substr(md5($1), 1, 32), 'ds', 'res', 'v1', $1, 'vector')",
        done);
    Sql.update(
        pool,
        "INSERT INTO app.janitor_runs (run_id, run_type, started_at, actions_taken)"
            + " VALUES (md5(random()::text), 'task_watchdog', now(), '{\"checked\": 3}')");
    Sql.update(
        pool,
        "INSERT INTO app.outbox (destination, payload) VALUES ('jobs', $1)",
        new JsonObject().put("type", "start_job").put("job_id", running));

    createCollection(pool, "landsat");
    createItem(pool, "landsat", "scene-1", done);
    createItem(pool, "landsat", "scene-2", running);
    createItem(pool, "landsat", "scene-external", null);
    createItem(pool, "system-vectors", "parcels", done);
    // a registered search, as TiTiler registers mosaics (simple protocol: one session)
    Sql.await(
        pool.query(
                "SET search_path TO pgstac, public;"
                    + " SELECT * FROM pgstac.search_query('{\"collections\": [\"landsat\"]}');"
                    + " RESET search_path")
            .execute());

    AdminTestSupport.createUserData(pool);
    Sql.update(
        pool,
        "INSERT INTO geo.table_metadata (schema_name, table_name, job_id, stac_collection_id,"
            + " stac_item_id) VALUES ('geo', 'parcels', $1, 'system-vectors', 'parcels')"
            + " ON CONFLICT DO NOTHING",
        done);
    return List.of(done, running);
  }

  public static void createCollection(Pool pool, String id) {
    JsonObject c =
        StacDocuments.collection(
            id, null, "test collection " + id, new double[] {0, 0, 10, 10}, null);
    Sql.update(pool, "SELECT pgstac.upsert_collection($1::jsonb)", c);
  }

  /** A STAC item; with {@code jobId}, its {@code app:job_id} property names that job. */
  public static void createItem(Pool pool, String collection, String id, String jobId) {
    JsonObject properties = new JsonObject().put("datetime", "2024-05-01T00:00:00Z");
    if (jobId != null) {
      properties.put(StacItemRepository.JOB_ID_PROPERTY, jobId);
    }
    JsonObject item =
        new JsonObject()
            .put("id", id)
            .put("type", "Feature")
            .put("stac_version", "1.0.0")
            .put("collection", collection)
            .put(
                "geometry",
                new JsonObject()
                    .put("type", "Point")
                    .put("coordinates", new JsonArray().add(1.5).add(2.5)))
            .put("bbox", new JsonArray().add(1.5).add(2.5).add(1.5).add(2.5))
            .put("properties", properties)
            .put("links", new JsonArray())
            .put("assets", new JsonObject());
    Sql.update(pool, "SELECT pgstac.create_item($1::jsonb)", item);
  }
}
