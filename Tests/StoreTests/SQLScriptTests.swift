import Store
import Testing

@Suite("Splitting migration files into statements")
struct SQLScriptTests {
    @Test("semicolons end statements; empty and comment-only pieces are dropped")
    func simple() {
        #expect(SQLScript.statements(in: "CREATE TABLE a (x int);\n\n-- note\nCREATE TABLE b (y int);\n;") ==
            ["CREATE TABLE a (x int)", "-- note\nCREATE TABLE b (y int)"])
    }

    @Test("semicolons inside strings, identifiers and comments do not split")
    func quoted() {
        let script = """
            INSERT INTO t VALUES ('a;b', 'it''s; fine');
            SELECT "odd;name" FROM t; -- trailing; comment
            /* block; /* nested; */ still comment; */ SELECT 1;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[0] == "INSERT INTO t VALUES ('a;b', 'it''s; fine')")
        #expect(statements[1] == "SELECT \"odd;name\" FROM t")
        #expect(statements[2].hasSuffix("SELECT 1"))
    }

    @Test("dollar-quoted bodies are kept whole, with or without a tag")
    func dollarQuoted() {
        let script = """
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
            DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$'; END $body$;
            SELECT $1;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("$$ SELECT 1; $$"))
        #expect(statements[1].hasSuffix("END $body$"))
        #expect(statements[2] == "SELECT $1")
    }
}
