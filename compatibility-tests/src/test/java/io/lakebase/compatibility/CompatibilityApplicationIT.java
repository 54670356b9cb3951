package io.lakebase.compatibility;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakebase.jdbc.LakebaseHealthCheck;
import io.lakebase.jdbc.LakebaseLoginDataSource;
import io.lakebase.local.LocalLakebase;
import io.lakebase.local.LocalLakebaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the compatibility application on the Spring Boot version of its module against a local
 * Lakebase: it starts, its startup check logs in, it queries as the service principal, and its
 * {@code lakebase} health indicator is there and up.
 */
@ExtendWith(OutputCaptureExtension.class)
class CompatibilityApplicationIT {

	@RegisterExtension
	static final LocalLakebaseExtension lakebase = new LocalLakebaseExtension();

	@Test
	void startsLogsInAndIsHealthy(CapturedOutput output) {
		List<String> arguments = new ArrayList<>();
		lakebase.get().springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
		arguments.add("--spring.main.banner-mode=off");
		SpringApplication application = new SpringApplication(CompatibilityApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new))) {
			System.out.println("Compatibility: Spring Boot " + SpringBootVersion.getVersion() + " started and logged in");
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("SELECT current_user", String.class)).isEqualTo(LocalLakebase.DEFAULT_CLIENT_ID);
			assertThat(lakebase.get().stats().credentialRequests()).isEqualTo(1);
			assertThat(context.containsBean("lakebaseHealthIndicator")).isTrue();
			LakebaseLoginDataSource logins = (LakebaseLoginDataSource) context.getBean(HikariDataSource.class).getDataSource();
			assertThat(new LakebaseHealthCheck(logins).check(Duration.ofSeconds(2)).up()).isTrue();
		}
		// Noise the starter's dependencies would cause: a second Commons Logging beside Spring's own
		// (Boot 3.5), a second org.json beside the test support's.
		assertThat(output.getAll()).doesNotContain("Standard Commons Logging discovery in action",
				"Found multiple occurrences of org.json.JSONObject");
	}

	@Test
	void theStarterBringsNoDuplicateLoggingOrJsonLibrary() {
		List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
		assertThat(classPath).noneMatch((entry) -> entry.contains("/org/json/json/"));
		if (SpringBootVersion.getVersion().startsWith("3.")) {
			// Spring Framework 6 brings spring-jcl; Spring Framework 7 depends on commons-logging itself.
			assertThat(classPath).noneMatch((entry) -> entry.contains("/commons-logging/"));
		}
	}

}
