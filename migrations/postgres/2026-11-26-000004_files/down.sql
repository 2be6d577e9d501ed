DROP TABLE file_references;
DROP TABLE stored_files;
