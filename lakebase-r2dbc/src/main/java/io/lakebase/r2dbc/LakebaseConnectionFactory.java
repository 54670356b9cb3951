package io.lakebase.r2dbc;

import io.lakebase.jdbc.LakebaseConnector;
import io.lakebase.jdbc.LakebaseCredential;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcException;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Opens R2DBC connections to Lakebase: picks the credential of each login (carried to the
 * options' password publisher in the Reactor context), and after a refusal (28P01, a revoked
 * credential, say) retries once with the replacement the credential cache gives. Every outcome
 * goes to the connector, for health.
 */
final class LakebaseConnectionFactory implements ConnectionFactory {

	private static final Logger logger = LoggerFactory.getLogger(LakebaseConnectionFactory.class);

	private static final String INVALID_PASSWORD = "28P01";

	private final ConnectionFactory driver;

	private final LakebaseConnector connector;

	LakebaseConnectionFactory(ConnectionFactory driver, LakebaseConnector connector) {
		this.driver = driver;
		this.connector = connector;
	}

	@Override
	public Publisher<? extends Connection> create() {
		return LakebaseR2dbc.credential(this.connector)
			.flatMap((credential) -> login(credential).onErrorResume(LakebaseConnectionFactory::isRefused,
					(refused) -> retry(credential, refused)))
			.doOnSuccess((connection) -> this.connector.loginSucceeded())
			.doOnError(this::failed);
	}

	@Override
	public ConnectionFactoryMetadata getMetadata() {
		return this.driver.getMetadata();
	}

	@Override
	public String toString() {
		return "LakebaseConnectionFactory[" + this.connector.settings().target() + "]";
	}

	private Mono<Connection> login(LakebaseCredential credential) {
		return Mono.<Connection>from(this.driver.create())
			.contextWrite((context) -> context.put(LakebaseR2dbc.CREDENTIAL_KEY, credential));
	}

	private Mono<Connection> retry(LakebaseCredential refused, Throwable failure) {
		// Replacing may call the credential API: never on the caller's (event-loop) thread.
		return Mono.fromCallable(() -> this.connector.credentials().replaceRefused(refused))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((replacement) -> replacement.map((credential) -> {
				logger.warn("Lakebase refused a database credential (it may have been revoked); retrying once "
						+ "with a new one");
				return login(credential);
			}).orElseGet(() -> Mono.error(failure)));
	}

	private void failed(Throwable failure) {
		String sqlState = (failure instanceof R2dbcException r2dbc) ? r2dbc.getSqlState() : null;
		this.connector.loginFailed(sqlState, failure.getMessage());
	}

	private static boolean isRefused(Throwable failure) {
		return failure instanceof R2dbcException r2dbc && INVALID_PASSWORD.equals(r2dbc.getSqlState());
	}

}
