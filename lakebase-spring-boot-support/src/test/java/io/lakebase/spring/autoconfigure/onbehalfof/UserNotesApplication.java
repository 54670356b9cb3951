package io.lakebase.spring.autoconfigure.onbehalfof;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lakebase.spring.autoconfigure.MigrationAutoConfigurations;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A web application that works on behalf of its users through {@code lakebaseUserDataSource}: who
 * the database says the user is, and notes under row-level security by owner. Its
 * {@code dataSource} stays the application's own.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { MigrationAutoConfigurations.FLYWAY_BOOT4,
		MigrationAutoConfigurations.LIQUIBASE_BOOT4, MigrationAutoConfigurations.FLYWAY_BOOT3,
		MigrationAutoConfigurations.LIQUIBASE_BOOT3, MigrationAutoConfigurations.HIBERNATE_BOOT4,
		MigrationAutoConfigurations.HIBERNATE_BOOT3, MigrationAutoConfigurations.DATA_JPA_BOOT4,
		MigrationAutoConfigurations.DATA_JPA_BOOT3, MigrationAutoConfigurations.R2DBC_TRANSACTIONS_BOOT4,
		MigrationAutoConfigurations.R2DBC_TRANSACTIONS_BOOT3 })
@Import(UserNotesApplication.MeController.class)
public class UserNotesApplication {

	/**
	 * What an OAuth2 resource server's filter leaves for an accepted bearer token: an
	 * authentication whose credentials are the token (here accepted unchecked; the workspace's
	 * federation policy checks it).
	 */
	@Bean
	OncePerRequestFilter bearerTokenAuthentication() {
		return new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
					FilterChain chain) throws ServletException, IOException {
				String authorization = request.getHeader("Authorization");
				if (authorization == null || !authorization.startsWith("Bearer ")) {
					chain.doFilter(request, response);
					return;
				}
				OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
						authorization.substring(7), Instant.now(), Instant.now().plusSeconds(3600));
				TestingAuthenticationToken authentication = new TestingAuthenticationToken("user", token);
				authentication.setAuthenticated(true);
				SecurityContextHolder.getContext().setAuthentication(authentication);
				try {
					chain.doFilter(request, response);
				}
				finally {
					SecurityContextHolder.clearContext();
				}
			}

		};
	}

	/** The current user's role and notes. */
	@RestController
	public static class MeController {

		private final JdbcClient user;

		private final JdbcClient application;

		public MeController(@Qualifier("lakebaseUserDataSource") DataSource userDataSource, DataSource dataSource) {
			this.user = JdbcClient.create(userDataSource);
			this.application = JdbcClient.create(dataSource);
		}

		@GetMapping("/me")
		Map<String, Object> me() {
			return Map.of("role", this.user.sql("select current_user").query(String.class).single(), "application",
					this.application.sql("select current_user").query(String.class).single());
		}

		@PostMapping("/me/notes")
		void create(@RequestParam String title) {
			this.user.sql("insert into user_note (title) values (?)").param(title).update();
		}

		@GetMapping("/me/notes")
		List<String> notes() {
			return this.user.sql("select owner || ':' || title from user_note order by id").query(String.class).list();
		}

	}

}
