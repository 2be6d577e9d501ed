DROP TABLE reported_values;
DROP TABLE indicators;
