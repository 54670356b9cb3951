package io.lakebase.jdbc;

import java.sql.SQLException;
import java.util.Objects;

/**
 * Refuses a connection on behalf of a user: no token was presented, the workspace does not accept
 * the token, or the user may not log in to Lakebase. Nothing falls back to the application's own
 * identity. The message names the user at most, never a token.
 *
 * @since 0.1.0
 */
public class LakebaseUserAccessException extends SQLException {

	// SQLSTATE class 28, "invalid authorization specification": what a refused login reports too.
	private static final String INVALID_AUTHORIZATION = "28000";

	private final Reason reason;

	/**
	 * Creates an exception.
	 * @param reason why access is refused
	 * @param message what happened, without a token
	 * @param cause the underlying failure, or {@code null}
	 */
	public LakebaseUserAccessException(Reason reason, String message, Throwable cause) {
		super(message, INVALID_AUTHORIZATION, cause);
		this.reason = Objects.requireNonNull(reason, "reason");
	}

	/**
	 * Creates an exception without a cause.
	 * @param reason why access is refused
	 * @param message what happened, without a token
	 */
	public LakebaseUserAccessException(Reason reason, String message) {
		this(reason, message, null);
	}

	/**
	 * Returns why access is refused.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Returns the HTTP status a web layer answers with: 401 when the user is not authenticated,
	 * 403 when an authenticated user may not log in.
	 * @return 401 or 403
	 */
	public int getHttpStatus() {
		return this.reason.httpStatus;
	}

	/**
	 * Why a connection on behalf of a user is refused.
	 */
	public enum Reason {

		/** No token, or one the workspace does not accept (invalid, expired, revoked): 401. */
		UNAUTHENTICATED(401),

		/** The workspace knows the user, who may not use the API or has no Postgres role: 403. */
		FORBIDDEN(403);

		private final int httpStatus;

		Reason(int httpStatus) {
			this.httpStatus = httpStatus;
		}

	}

}
