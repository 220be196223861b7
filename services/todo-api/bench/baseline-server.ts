// The benchmark's yardstick: node:http + pg doing the same queries as GET/POST /api/tasks, with
// none of the framework (no routing library, auth, validation, logging or metrics). Its statements
// are named, as the API's are (DB_PREPARED_STATEMENTS), so the ratio measures the framework only.
// Env: DATABASE_URL, USER_ID (whose tasks to serve). Prints {"port":N} when listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const userId = process.env.USER_ID;
const COLUMNS = 'seq, id, title, description, completed, due_at, priority, tags, created_at, updated_at';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of the tasks table
const toTask = (row: Record<string, any>) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  completed: row.completed,
  dueAt: row.due_at ? row.due_at.toISOString() : null,
  priority: row.priority,
  tags: row.tags,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'GET' && req.url?.startsWith('/api/tasks')) {
      const { rows } = await pool.query({
        name: 'list',
        text: `select ${COLUMNS} from tasks where user_id = $1 order by seq asc limit 51`,
        values: [userId],
      });
      const items = rows.slice(0, 50).map(toTask);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items, nextCursor: rows.length > 50 ? String(rows[49].seq) : null }));
    } else if (req.method === 'POST' && req.url === '/api/tasks') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const input = JSON.parse(body) as { title: string };
      const { rows } = await pool.query({
        name: 'create',
        text: `insert into tasks (user_id, title, description, due_at, priority, tags) values ($1, $2, '', null, 'medium', '{}') returning ${COLUMNS}`,
        values: [userId, input.title],
      });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(toTask(rows[0]!)));
    } else {
      res.writeHead(404).end();
    }
  } catch {
    res.writeHead(500).end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
process.on('SIGTERM', () => server.close(() => void pool.end()));
