package io.lakebase.r2dbc;

import java.time.Duration;

import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * No event-loop thread blocks for a credential, checked by BlockHound: connections are opened from
 * a non-blocking thread on a cold credential cache while the credential API answers slowly. The
 * control shows that BlockHound catches the blocking call the starter avoids. BlockHound instruments
 * the whole JVM: Surefire runs each test class of this module in a JVM of its own.
 */
class LakebaseR2dbcBlockingIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension(LocalLakebase.builder());

	private R2dbcTestConnection connector;

	@BeforeAll
	static void installBlockHound() {
		// The JDK reads its random seed and trust material once per JVM, on whichever thread first
		// builds an SSL context: here r2dbc-postgresql's, on the event loop, unless something else
		// in this JVM did it first. That is the JDK's, not this library's, and it happens once.
		BlockHound.install((builder) -> builder.allowBlockingCallsInside("sun.security.ssl.SSLContextImpl",
				"engineInit"));
	}

	@BeforeEach
	void start() {
		// Half a second per credential call: a caller that waited for it would block that long.
		lakebase.get().faults().credentialLatency(Duration.ofMillis(500));
		this.connector = LakebaseR2dbcIT.connector(lakebase.get());
	}

	@AfterEach
	void stop() {
		this.connector.close();
		lakebase.get().faults().reset();
	}

	@Test
	void aConnectionOnAColdCacheFromANonBlockingThreadDoesNotBlockIt() {
		ConnectionFactory connections = connections();
		String user = Mono.defer(() -> LakebaseR2dbcIT.query(connections, "select current_user"))
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30));
		assertThat(user).isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
	}

	@Test
	void waitingForTheCredentialOnANonBlockingThreadIsCaught() {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> Mono.fromCallable(() -> this.connector.credentials().get())
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(30)))
			.satisfies((ex) -> assertThat(ex).hasRootCauseInstanceOf(BlockingOperationError.class));
	}

	private ConnectionFactory connections() {
		// Resolving the host calls the workspace: done here, as at application start, not on the event loop.
		return this.connector.factory(ConnectionFactories.get(this.connector.options()));
	}

}
