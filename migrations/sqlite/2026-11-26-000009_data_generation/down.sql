DROP TABLE data_generation;
