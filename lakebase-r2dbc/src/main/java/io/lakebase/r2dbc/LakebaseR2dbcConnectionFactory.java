package io.lakebase.r2dbc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.lakebase.jdbc.LakebaseCredential;
import io.lakebase.jdbc.LakebaseCredentialCache;
import io.lakebase.jdbc.LakebaseLoginOutcome;
import io.lakebase.jdbc.LakebaseLogins;
import io.lakebase.jdbc.LakebaseResolver;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Opens R2DBC connections to Lakebase: picks the credential of each login (carried to the
 * options' password publisher in the Reactor context), and after a refusal (28P01, a revoked
 * credential, say) retries once with the replacement the credential cache gives. It owns the
 * outcome of its latest login, which health reads.
 *
 * @since 0.1.0
 */
public final class LakebaseR2dbcConnectionFactory implements ConnectionFactory, LakebaseLogins {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseR2dbcConnectionFactory.class);

	private static final String INVALID_PASSWORD = "28P01";

	private final ConnectionFactory driver;

	private final LakebaseResolver resolver;

	private final LakebaseCredentialCache credentials;

	private final AtomicReference<@Nullable LakebaseLoginOutcome> lastLogin = new AtomicReference<>();

	LakebaseR2dbcConnectionFactory(ConnectionFactory driver, LakebaseResolver resolver,
			LakebaseCredentialCache credentials) {
		this.driver = Objects.requireNonNull(driver, "driver");
		this.resolver = Objects.requireNonNull(resolver, "resolver");
		this.credentials = Objects.requireNonNull(credentials, "credentials");
	}

	@Override
	public Publisher<? extends Connection> create() {
		return LakebaseR2dbc.credential(this.credentials)
			.flatMap((credential) -> login(credential).onErrorResume(LakebaseR2dbcConnectionFactory::isRefused,
					(refused) -> retry(credential, refused)))
			.doOnSuccess((connection) -> recordLogin(null))
			.doOnError(this::recordLogin);
	}

	@Override
	public ConnectionFactoryMetadata getMetadata() {
		return this.driver.getMetadata();
	}

	@Override
	public LakebaseResolver resolver() {
		return this.resolver;
	}

	@Override
	public LakebaseCredentialCache credentials() {
		return this.credentials;
	}

	@Override
	public Optional<LakebaseLoginOutcome> lastLogin() {
		return Optional.ofNullable(this.lastLogin.get());
	}

	@Override
	public void probe(Duration timeout) {
		Mono.usingWhen(Mono.from(create()), (connection) -> Mono.empty(), Connection::close).block(timeout);
	}

	@Override
	public String toString() {
		return "LakebaseR2dbcConnectionFactory[" + this.resolver.target() + "]";
	}

	private Mono<Connection> login(LakebaseCredential credential) {
		return Mono.<Connection>from(this.driver.create())
			.contextWrite((context) -> context.put(LakebaseR2dbc.CREDENTIAL_KEY, credential));
	}

	private Mono<Connection> retry(LakebaseCredential refused, Throwable failure) {
		// Replacing may call the credential API: never on the caller's (event-loop) thread.
		return Mono.fromCallable(() -> this.credentials.replaceRefused(refused))
			.subscribeOn(Schedulers.boundedElastic())
			// The refusal is what went wrong: a failed replacement only adds to it.
			.onErrorMap((replacementFailure) -> {
				failure.addSuppressed(replacementFailure);
				return failure;
			})
			.flatMap((replacement) -> replacement.map((credential) -> {
				logger.warn("Lakebase refused a database credential (it may have been revoked); retrying once "
						+ "with a new one");
				return login(credential);
			}).orElseGet(() -> Mono.error(failure)));
	}

	private void recordLogin(@Nullable Throwable failure) {
		String sqlState = (failure instanceof R2dbcException r2dbc) ? r2dbc.getSqlState() : null;
		this.lastLogin.set(new LakebaseLoginOutcome(Clock.systemUTC().instant(), failure == null, sqlState,
				(failure != null) ? failure.getMessage() : null));
	}

	private static boolean isRefused(Throwable failure) {
		return failure instanceof R2dbcException r2dbc && INVALID_PASSWORD.equals(r2dbc.getSqlState());
	}

}
