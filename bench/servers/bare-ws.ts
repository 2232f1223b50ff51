// Baseline for subscription fan-out: a bare `ws` server; POST /broadcast sends the request body, as is, to every
// connected client. PORT from the environment, 127.0.0.1 only.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/broadcast') {
      const message = Buffer.concat(chunks).toString('utf8');
      for (const client of wss.clients) client.send(message);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ clients: wss.clients.size }));
  });
});
const wss = new WebSocketServer({ server });
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
