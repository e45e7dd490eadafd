package com.zeroui.kms.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own on the test PostgreSQL server ({@code kms.test.pg.url}/{@code .user}),
 * dropped on close. Not skipped when PostgreSQL is down: the PostgreSQL runs must run.
 */
final class FreshPostgresDatabase implements AutoCloseable {
    private final String serverUrl;
    private final String user;
    private final String name;

    private FreshPostgresDatabase(String serverUrl, String user, String name) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.name = name;
    }

    static FreshPostgresDatabase create(String purpose) {
        String url = System.getProperty("kms.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("kms.test.pg.user", "postgres");
        String name = "kms_" + purpose + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        FreshPostgresDatabase database = new FreshPostgresDatabase(url, user, name);
        database.execute("CREATE DATABASE " + name);
        return database;
    }

    String url() {
        int query = serverUrl.indexOf('?');
        String base = query < 0 ? serverUrl : serverUrl.substring(0, query);
        String params = query < 0 ? "" : serverUrl.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + name + params;
    }

    String user() {
        return user;
    }

    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(serverUrl, user, null);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + serverUrl + ": " + sql + " failed", e);
        }
    }
}
