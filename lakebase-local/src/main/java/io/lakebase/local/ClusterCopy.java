package io.lakebase.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies a running PostgreSQL cluster's data directory into another with the low-level backup
 * API, so that a second server started on the copy recovers to a consistent snapshot of the
 * whole cluster (every database and role) while the source stays in use.
 * <p>
 * This is what {@code pg_basebackup} does, without its binary (the embedded binaries have none):
 * a temporary physical replication slot pins the WAL from the backup's start, {@code
 * pg_backup_start} forces full-page writes and a checkpoint, the files are copied as they are
 * (torn pages are repaired by replay), {@code pg_backup_stop} writes the backup's end record
 * and returns the {@code backup_label} content, and the WAL from the start segment to the stop
 * segment is copied last. The server started on the copy replays that WAL up to the end record
 * before it accepts connections: the copy holds every transaction committed before the stop.
 */
final class ClusterCopy {

	// What pg_basebackup leaves out: runtime files and directories whose contents are recreated at
	// start, and the source's WAL, copied by segment after the stop.
	private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_stat_tmp", "pg_replslot",
			"pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");

	private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "pg_internal.init",
			"backup_label", "backup_label.old", "tablespace_map", "current_logfiles", "epg-lock");

	private static final String CONTROL_FILE = "global/pg_control";

	private static final Pattern START_WAL_FILE = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");

	private static final Pattern WAL_FILE = Pattern.compile("[0-9A-F]{24}");

	private ClusterCopy() {
	}

	/**
	 * Copies a running cluster.
	 * @param superuser a superuser's connection to the source server, used for the backup calls
	 * (one session, held until the copy ends)
	 * @param source the source's data directory
	 * @param target an empty directory for the copy
	 * @return what was copied
	 * @throws IOException if the files cannot be copied
	 * @throws SQLException if the backup calls fail
	 */
	static Result copy(Connection superuser, Path source, Path target) throws IOException, SQLException {
		long started = System.nanoTime();
		String slot = "lakebase_copy_" + UUID.randomUUID().toString().replace("-", "");
		try (Statement statement = superuser.createStatement()) {
			// Temporary (dropped with the session) and reserving WAL now, before the backup starts:
			// a checkpoint during the copy cannot recycle the segments replay will need.
			statement.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true, true)");
			// fast: an immediate checkpoint rather than a spread one.
			statement.execute("SELECT pg_backup_start('lakebase-local branch', true)");
			long files;
			String stopLsn;
			String label;
			String tablespaceMap;
			String stopWalFile;
			try {
				files = copyFiles(source, target);
			}
			finally {
				try (ResultSet stop = statement.executeQuery(
						"SELECT lsn, labelfile, spcmapfile, pg_walfile_name(lsn) FROM pg_backup_stop(false)")) {
					stop.next();
					stopLsn = stop.getString(1);
					label = stop.getString(2);
					tablespaceMap = stop.getString(3);
					stopWalFile = stop.getString(4);
				}
			}
			Matcher start = START_WAL_FILE.matcher(label);
			if (!start.find()) {
				throw new IOException("Unexpected backup label:\n" + label);
			}
			int segments = copyWal(source.resolve("pg_wal"), target.resolve("pg_wal"), start.group(1), stopWalFile);
			// The control file last, as pg_basebackup sends it; with a backup label the server
			// starts replay from the label's checkpoint, not from the control file's.
			copyIfPresent(source.resolve(CONTROL_FILE), target.resolve(CONTROL_FILE));
			Files.writeString(target.resolve("backup_label"), label);
			if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
				Files.writeString(target.resolve("tablespace_map"), tablespaceMap);
			}
			statement.execute("SELECT pg_drop_replication_slot('" + slot + "')");
			return new Result(stopLsn, files, segments, Duration.ofNanos(System.nanoTime() - started));
		}
	}

	private static long copyFiles(Path source, Path target) throws IOException {
		long[] count = new long[1];
		Files.walkFileTree(source, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
					throws IOException {
				Path relative = source.relativize(directory);
				Files.createDirectories(target.resolve(relative));
				if (relative.getNameCount() == 1 && EMPTIED_DIRECTORIES.contains(relative.toString())) {
					if (relative.toString().equals("pg_wal")) {
						Files.createDirectories(target.resolve("pg_wal/archive_status"));
					}
					return FileVisitResult.SKIP_SUBTREE;
				}
				if (directory.getFileName() != null && directory.getFileName().toString().startsWith("pgsql_tmp")) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				Path relative = source.relativize(file);
				String name = file.getFileName().toString();
				if (SKIPPED_FILES.contains(name) || relative.toString().equals(CONTROL_FILE)
						|| !attributes.isRegularFile()) {
					return FileVisitResult.CONTINUE;
				}
				if (copyIfPresent(file, target.resolve(relative))) {
					count[0]++;
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				// A relation dropped during the copy: its removal is in the WAL replayed on the copy.
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE;
				}
				throw ex;
			}

		});
		return count[0];
	}

	private static int copyWal(Path sourceWal, Path targetWal, String startFile, String stopFile) throws IOException {
		List<Path> segments;
		try (Stream<Path> files = Files.list(sourceWal)) {
			// Same timeline: segment names sort in WAL order.
			segments = files.filter((file) -> WAL_FILE.matcher(file.getFileName().toString()).matches())
				.filter((file) -> {
					String name = file.getFileName().toString();
					return name.compareTo(startFile) >= 0 && name.compareTo(stopFile) <= 0;
				})
				.toList();
		}
		for (Path segment : segments) {
			Files.copy(segment, targetWal.resolve(segment.getFileName()), StandardCopyOption.REPLACE_EXISTING);
		}
		try (Stream<Path> files = Files.list(sourceWal)) {
			for (Path history : files.filter((file) -> file.getFileName().toString().endsWith(".history")).toList()) {
				copyIfPresent(history, targetWal.resolve(history.getFileName()));
			}
		}
		return segments.size();
	}

	private static boolean copyIfPresent(Path file, Path target) throws IOException {
		try {
			Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
			return true;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
	}

	/**
	 * What a copy did.
	 *
	 * @param stopLsn the WAL location of the backup's end: the copy holds every transaction
	 * committed before it
	 * @param files how many data files were copied
	 * @param walSegments how many WAL segments were copied
	 * @param duration how long the copy took, backup calls included
	 */
	record Result(String stopLsn, long files, int walSegments, Duration duration) {

	}

}
