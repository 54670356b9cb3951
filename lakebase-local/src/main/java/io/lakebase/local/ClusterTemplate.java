package io.lakebase.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The cluster {@code initdb} makes, kept once per JVM and copied into the data directory of each
 * further embedded server, which then starts without running {@code initdb} (zonky skips it for a
 * directory that holds a cluster): {@code initdb} costs about a second of CPU, a copy a few
 * milliseconds, and a test run starts dozens of local Lakebases. The copy is taken right after
 * {@code initdb}, before any server ran on it: a cluster exactly as {@code initdb} leaves it, with
 * no database, role or password of any local Lakebase. It is removed when the JVM exits.
 */
final class ClusterTemplate {

	// zonky's lock file, and a server's pid file: state of one server, never of a copy.
	private static final Set<String> SERVER_STATE = Set.of("epg-lock", "postmaster.pid");

	private static final Object lock = new Object();

	private static @Nullable Path template;

	private ClusterTemplate() {
	}

	/**
	 * Copies the template into an empty data directory.
	 * @param dataDirectory the data directory, empty
	 * @return whether it now holds a cluster; {@code false} when no template was kept yet, or the
	 * copy failed (the directory is then emptied again, for {@code initdb})
	 */
	static boolean seed(Path dataDirectory) {
		Path kept;
		synchronized (lock) {
			kept = template;
		}
		if (kept == null) {
			return false;
		}
		try {
			copy(kept, dataDirectory);
			return true;
		}
		catch (IOException | UncheckedIOException ex) {
			clear(dataDirectory);
			return false;
		}
	}

	/**
	 * Returns what keeps the cluster {@code initdb} just made as the template, unless one is kept
	 * already: zonky calls it after {@code initdb}, before the server starts.
	 * @return the data directory customizer
	 */
	static Consumer<File> keeper() {
		return (dataDirectory) -> {
			synchronized (lock) {
				if (template != null) {
					return;
				}
				try {
					Path copy = Files.createTempDirectory("lakebase-local-cluster-template");
					copy(dataDirectory.toPath(), copy);
					Runtime.getRuntime()
						.addShutdownHook(new Thread(() -> LocalLakebase.deleteRecursively(copy), "lakebase-local-template-cleanup"));
					template = copy;
				}
				catch (IOException | UncheckedIOException ex) {
					// No template: the next server runs initdb, as this one did.
				}
			}
		};
	}

	private static void copy(Path from, Path to) throws IOException {
		Files.walkFileTree(from, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
				Path target = to.resolve(from.relativize(directory).toString());
				Files.createDirectories(target);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				if (!SERVER_STATE.contains(file.getFileName().toString())) {
					Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
							StandardCopyOption.REPLACE_EXISTING);
				}
				return FileVisitResult.CONTINUE;
			}

		});
		// PostgreSQL refuses a data directory that others may read.
		if (Files.getFileStore(to).supportsFileAttributeView("posix")) {
			Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
		}
	}

	private static void clear(Path directory) {
		try (Stream<Path> contents = Files.list(directory)) {
			contents.forEach(LocalLakebase::deleteRecursively);
		}
		catch (IOException ex) {
			// initdb then reports the directory as it is.
		}
	}

}
