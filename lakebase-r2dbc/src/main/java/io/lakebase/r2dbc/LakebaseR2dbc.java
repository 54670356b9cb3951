package io.lakebase.r2dbc;

import java.util.Objects;

import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredential;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * R2DBC connections to Lakebase with the rotating credential of a {@link LakebaseConnector} (the
 * same cache as its JDBC logins, so one credential call per lifetime for both):
 * <ul>
 * <li>{@link #options(LakebaseConnector)}: r2dbc-postgresql connection options (host, port,
 * database, role, TLS, schema) whose password is a {@code Publisher} of the current credential,
 * never a static password that expires under a live pool;</li>
 * <li>{@link #connectionFactory(ConnectionFactory, LakebaseConnector)}: wraps the driver's
 * connection factory (under a pool) so that each new connection logs in with one credential,
 * replaced once when Postgres refuses it (28P01), with the outcome recorded for health.</li>
 * </ul>
 * A credential that is cached is handed out at once; only when none is does the connection wait
 * for one, on Reactor's bounded-elastic scheduler, never on the caller's (event-loop) thread.
 *
 * @since 0.1.0
 */
public final class LakebaseR2dbc {

	/** The r2dbc-postgresql driver name. */
	public static final String DRIVER = "postgresql";

	// PASSWORD is typed CharSequence; r2dbc-postgresql also takes a Publisher of it, asked at each login.
	private static final Option<Publisher<CharSequence>> PASSWORD_PUBLISHER = Option
		.sensitiveValueOf(ConnectionFactoryOptions.PASSWORD.name());

	private static final Option<String> SSL_MODE = Option.valueOf("sslMode");

	private static final Option<String> SSL_ROOT_CERT = Option.valueOf("sslRootCert");

	private static final Option<String> SSL_CERT = Option.valueOf("sslCert");

	private static final Option<String> SSL_KEY = Option.valueOf("sslKey");

	private static final Option<String> CURRENT_SCHEMA = Option.valueOf("currentSchema");

	// Set by the connection factory for the login it makes, read by the password publisher.
	static final Class<LakebaseCredential> CREDENTIAL_KEY = LakebaseCredential.class;

	private LakebaseR2dbc() {
	}

	/**
	 * Returns the r2dbc-postgresql connection options of a connector: resolves the connection
	 * (a workspace lookup unless the host is configured) and sets the password to a publisher of
	 * the connector's current credential.
	 * @param connector the connector
	 * @return the options, holding no secret
	 */
	public static ConnectionFactoryOptions options(LakebaseConnector connector) {
		LakebaseConnectionInfo connection = connector.resolve();
		LakebaseConnectionSettings settings = connection.settings();
		ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
			.option(ConnectionFactoryOptions.DRIVER, DRIVER)
			.option(ConnectionFactoryOptions.HOST, connection.host())
			.option(ConnectionFactoryOptions.PORT, connection.port())
			.option(ConnectionFactoryOptions.DATABASE, connection.database())
			.option(ConnectionFactoryOptions.USER, connection.username())
			.option(PASSWORD_PUBLISHER, password(connector))
			.option(SSL_MODE, settings.effectiveSslMode().jdbcValue());
		if (settings.sslRootCert() != null) {
			options.option(SSL_ROOT_CERT, settings.sslRootCert());
		}
		if (settings.sslCert() != null) {
			options.option(SSL_CERT, settings.sslCert());
		}
		if (settings.sslKey() != null) {
			options.option(SSL_KEY, settings.sslKey());
		}
		if (settings.schema() != null) {
			options.option(CURRENT_SCHEMA, settings.schema());
		}
		return options.build();
	}

	/**
	 * Wraps the driver's connection factory built from {@link #options(LakebaseConnector)}: each
	 * connection logs in with one credential, replaced once after a refusal (28P01).
	 * @param driver the r2dbc-postgresql connection factory
	 * @param connector the connector whose credential the options' password publishes
	 * @return the connection factory to put a pool on
	 */
	public static ConnectionFactory connectionFactory(ConnectionFactory driver, LakebaseConnector connector) {
		return new LakebaseConnectionFactory(Objects.requireNonNull(driver, "driver"),
				Objects.requireNonNull(connector, "connector"));
	}

	/**
	 * Returns the connector's current credential: at once when cached, else obtained on the
	 * bounded-elastic scheduler.
	 * @param connector the connector
	 * @return the credential
	 */
	static Mono<LakebaseCredential> credential(LakebaseConnector connector) {
		return Mono.defer(() -> connector.credentials()
			.cached()
			.map(Mono::just)
			.orElseGet(() -> Mono.fromCallable(() -> connector.credentials().get())
				.subscribeOn(Schedulers.boundedElastic())));
	}

	private static Publisher<CharSequence> password(LakebaseConnector connector) {
		return Mono.deferContextual((context) -> chosen(context).map(Mono::just)
			.orElseGet(() -> credential(connector))
			.map(LakebaseCredential::token));
	}

	private static java.util.Optional<LakebaseCredential> chosen(ContextView context) {
		return context.getOrEmpty(CREDENTIAL_KEY);
	}

}
