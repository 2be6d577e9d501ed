-- One counter every write that can change a published figure raises, in its own transaction;
-- computed views are reused while it still reads the same. Keep in step with ../../sqlite.
CREATE TABLE data_generation (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO data_generation (id, generation) VALUES (1, 0);
