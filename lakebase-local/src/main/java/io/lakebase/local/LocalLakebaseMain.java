package io.lakebase.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a local Lakebase from the command line and prints how to reach it, for {@code psql} or
 * any application. The credentials it prints are throw-away ones made for this run. Stop it with
 * Ctrl-C.
 */
public final class LocalLakebaseMain {

	private LocalLakebaseMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		// LocalLakebase stops itself (server, ports, files) when the JVM is stopped with Ctrl-C.
		LocalLakebase lakebase = LocalLakebase.start();
		Identity identity = lakebase.defaultIdentity();
		DatabaseToken token = lakebase.issueToken(identity, Duration.ofHours(1));
		StringBuilder out = new StringBuilder();
		out.append("Local Lakebase is running. Press Ctrl-C to stop it.\n\n");
		out.append("Spring Boot (application.properties or command line):\n");
		lakebase.springProperties().forEach((name, value) -> out.append("  ").append(name).append('=').append(value).append('\n'));
		out.append("\nDatabricks SDK environment:\n");
		out.append("  DATABRICKS_HOST=").append(lakebase.workspaceUrl()).append('\n');
		out.append("  DATABRICKS_CLIENT_ID=").append(identity.name()).append('\n');
		out.append("  DATABRICKS_CLIENT_SECRET=").append(identity.secret()).append('\n');
		out.append("\npsql (this credential is valid for one hour):\n");
		out.append("  PGHOST=").append(lakebase.host()).append(" PGPORT=").append(lakebase.port())
			.append(" PGDATABASE=").append(lakebase.database()).append(" PGUSER=").append(identity.name())
			.append(" PGSSLMODE=verify-full PGSSLROOTCERT=").append(lakebase.caCertificate())
			.append(" PGPASSWORD=").append(token.token()).append(" psql\n");
		out.append("\nEndpoints: ").append(lakebase.endpoints().stream().map(Endpoint::name).toList()).append('\n');
		out.append("Instances: ").append(lakebase.instances().stream().map(Instance::name).toList()).append('\n');
		System.out.print(out);
		new CountDownLatch(1).await();
	}

}
