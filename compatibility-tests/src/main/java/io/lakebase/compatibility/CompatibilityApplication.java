package io.lakebase.compatibility;

import javax.sql.DataSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The smallest application a user writes: the starter and {@code lakebase.*} settings, nothing
 * Lakebase-specific in code. It prints who it is connected as.
 */
@SpringBootApplication
public class CompatibilityApplication {

	public static void main(String[] args) {
		DataSource dataSource = SpringApplication.run(CompatibilityApplication.class, args).getBean(DataSource.class);
		System.out.println(new JdbcTemplate(dataSource).queryForObject("SELECT current_user", String.class));
	}

}
