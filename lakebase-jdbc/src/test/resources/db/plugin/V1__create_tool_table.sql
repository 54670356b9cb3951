CREATE TABLE plugin_migrated (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO plugin_migrated VALUES (1, 'migrated by a tool given only a JDBC URL');
