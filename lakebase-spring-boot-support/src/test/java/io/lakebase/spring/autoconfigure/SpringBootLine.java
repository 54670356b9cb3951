package io.lakebase.spring.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ApplicationContext;

/**
 * What the contract tests, shared by the Spring Boot 3.5 and 4.x lines, need to know of the line
 * they run on: the classes whose packages differ between the lines.
 */
public interface SpringBootLine {

	/**
	 * Returns the Lakebase auto-configuration, the line's Lakebase JDBC auto-configuration and
	 * Boot's {@code DataSourceAutoConfiguration}.
	 * @return the auto-configurations
	 */
	AutoConfigurations lakebaseDataSource();

	/**
	 * Returns the line's Lakebase R2DBC auto-configuration, Boot's {@code R2dbcAutoConfiguration}, and the
	 * auto-configuration of the JDBC {@code dataSource} beside R2DBC.
	 * @return the auto-configurations
	 */
	AutoConfigurations lakebaseR2dbc();

	/**
	 * Returns the line's auto-configuration of the {@code lakebase} health indicator.
	 * @return the auto-configuration class
	 */
	Class<?> lakebaseHealth();

	/**
	 * Returns the package of the line's {@code HealthIndicator}, hidden to test the indicator's
	 * back-off (without the actuator, Boot's auto-configuration filter excludes it before its
	 * conditions are even read).
	 * @return the package name
	 */
	String healthApiPackage();

	/**
	 * Returns the line's {@code JdbcConnectionDetails} interface.
	 * @return the interface
	 */
	Class<?> jdbcConnectionDetails();

	/**
	 * Runs the {@code lakebase} health indicator of a context.
	 * @param context the context
	 * @return its status and details
	 */
	HealthReport health(ApplicationContext context);

	/**
	 * A health check's outcome.
	 *
	 * @param status the status code, such as {@code UP}
	 * @param details the details
	 */
	record HealthReport(String status, Map<String, Object> details) {
	}

}
