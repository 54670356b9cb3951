package io.lakebase.r2dbc;

import io.lakebase.jdbc.LakebaseConnectionInfo;
import io.lakebase.jdbc.LakebaseConnectionSettings;
import io.lakebase.jdbc.LakebaseCredential;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseResolver;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * R2DBC connections to Lakebase with the rotating credential of a {@link LakebaseCredentialCache}
 * (the same cache as the JDBC logins, so one credential call per lifetime for both):
 * <ul>
 * <li>{@link #options(LakebaseResolver, LakebaseCredentialCache)}: r2dbc-postgresql connection options (host, port,
 * database, role, TLS, schema) whose password is a {@code Publisher} of the current credential,
 * never a static password that expires under a live pool;</li>
 * <li>{@link #connectionFactory(ConnectionFactory, LakebaseResolver, LakebaseCredentialCache)}: wraps
 * the driver's connection factory (under a pool) so that each new connection logs in with one
 * credential, replaced once when Postgres refuses it (28P01), owning its latest outcome for
 * health.</li>
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

	private static final Option<Integer> PREPARED_STATEMENT_CACHE_QUERIES = Option
		.valueOf("preparedStatementCacheQueries");

	// Set by the connection factory for the login it makes, read by the password publisher.
	static final Class<LakebaseCredential> CREDENTIAL_KEY = LakebaseCredential.class;

	private LakebaseR2dbc() {
	}

	/**
	 * Returns the r2dbc-postgresql connection options of a connection: resolves it (a workspace
	 * lookup unless the host is configured) and sets the password to a publisher of the current
	 * credential.
	 * @param resolver where to connect
	 * @param credentials the credentials to log in with
	 * @return the options, holding no secret
	 */
	public static ConnectionFactoryOptions options(LakebaseResolver resolver, LakebaseCredentialCache credentials) {
		LakebaseConnectionInfo connection = resolver.resolve();
		LakebaseConnectionSettings settings = connection.settings();
		ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
			.option(ConnectionFactoryOptions.DRIVER, DRIVER)
			.option(ConnectionFactoryOptions.HOST, connection.host())
			.option(ConnectionFactoryOptions.PORT, connection.port())
			.option(ConnectionFactoryOptions.DATABASE, connection.database())
			.option(ConnectionFactoryOptions.USER, connection.username())
			.option(PASSWORD_PUBLISHER, password(credentials))
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
		if (settings.pooled()) {
			// A transaction-mode pooler runs each transaction on any server session: unnamed
			// statements only, as PgJDBC's prepareThreshold=0 does.
			options.option(PREPARED_STATEMENT_CACHE_QUERIES, 0);
		}
		return options.build();
	}

	/**
	 * Wraps the driver's connection factory built from {@link #options}: each connection logs in
	 * with one credential, replaced once after a refusal (28P01).
	 * @param driver the r2dbc-postgresql connection factory
	 * @param resolver where the options connect
	 * @param credentials the credentials the options' password publishes
	 * @return the connection factory to put a pool on
	 */
	public static LakebaseR2dbcConnectionFactory connectionFactory(ConnectionFactory driver, LakebaseResolver resolver,
			LakebaseCredentialCache credentials) {
		return new LakebaseR2dbcConnectionFactory(driver, resolver, credentials);
	}

	/**
	 * Returns the current credential: at once when cached, else obtained on the bounded-elastic
	 * scheduler.
	 * @param credentials the cache
	 * @return the credential
	 */
	static Mono<LakebaseCredential> credential(LakebaseCredentialCache credentials) {
		return Mono.defer(() -> credentials.cached()
			.map(Mono::just)
			.orElseGet(() -> Mono.fromCallable(credentials::get).subscribeOn(Schedulers.boundedElastic())));
	}

	private static Publisher<CharSequence> password(LakebaseCredentialCache credentials) {
		return Mono.deferContextual((context) -> chosen(context).map(Mono::just)
			.orElseGet(() -> credential(credentials))
			.map(LakebaseCredential::token));
	}

	private static java.util.Optional<LakebaseCredential> chosen(ContextView context) {
		return context.getOrEmpty(CREDENTIAL_KEY);
	}

}
