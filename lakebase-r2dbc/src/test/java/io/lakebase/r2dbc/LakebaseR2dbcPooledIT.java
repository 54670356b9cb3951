package io.lakebase.r2dbc;

import java.time.Duration;
import java.util.List;

import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R2DBC connections through the built-in pooler ({@code pooled}): the pooled host, and only
 * unnamed statements, which the emulated transaction-mode pooler requires as PgBouncer does.
 */
class LakebaseR2dbcPooledIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder().pooler(true));

	@Test
	void pooledConnectionsUseThePooledHostAndNoNamedStatements() {
		try (R2dbcTestConnection connector = LakebaseR2dbcIT.connector(lakebase.get(),
				(settings) -> settings.pooled(true))) {
			ConnectionFactoryOptions options = connector.options();
			String pooledHost = lakebase.get().pooledHost(LocalLakebase.DEFAULT_ENDPOINT).orElseThrow();
			assertThat(options.getValue(ConnectionFactoryOptions.HOST)).isEqualTo(pooledHost);
			assertThat(options.getValue(Option.valueOf("preparedStatementCacheQueries"))).isEqualTo(0);
			ConnectionFactory connections = connector.factory(ConnectionFactories.get(options));
			// The same parameterized statement again and again on one connection: with the driver's
			// default cache it would be a named statement after the first execution.
			List<Integer> doubled = Mono.usingWhen(connections.create(),
					(connection) -> Flux.range(0, 10).concatMap((i) -> run(connection, i)).collectList(),
					Connection::close)
				.block(Duration.ofSeconds(30));
			assertThat(doubled).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
			assertThat(lakebase.get().stats().loginsAccepted(pooledHost)).isEqualTo(1);
		}
	}

	private static Mono<Integer> run(Connection connection, int value) {
		return Mono.from(connection.createStatement("SELECT $1::int * 2").bind("$1", value).execute())
			.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(0, Integer.class))));
	}

}
