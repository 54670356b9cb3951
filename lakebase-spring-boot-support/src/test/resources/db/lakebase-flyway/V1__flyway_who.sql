-- Records the role Flyway migrated as.
CREATE TABLE flyway_who AS SELECT current_user AS who;
