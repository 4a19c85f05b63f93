// SPDX-FileCopyrightText: 2026 The Latchkey authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The peer: @microsoft/microsoft-graph-client with its PageIterator, listing every device from
// the same sandbox Latchkey reads, with the same $select, $top and $count (so the sandbox serves
// both the same pages from memory). Prints one JSON line.
//   LK_BENCH_TOKEN=… node list-devices.mjs GRAPH_URL [OUT]
// With OUT, the devices are then written there as one pretty JSON array, as a script printing
// what it found would (the same document shape `latchkey-cli search "" --json` writes): device
// by device in 1 MB writes, since JSON.stringify of a million devices exceeds V8's longest string.
// (the token comes in the environment, not on a command line others can read in /proc).
import { openSync, writeSync, closeSync } from "node:fs";
import {
  Client, PageIterator, RetryHandler, RetryHandlerOptions, RedirectHandler, RedirectHandlerOptions,
  TelemetryHandler, HTTPMessageHandler,
} from "@microsoft/microsoft-graph-client";

const graphUrl = process.argv[2];
const out = process.argv[3];
const token = process.env.LK_BENCH_TOKEN;
if (!graphUrl || !token) {
  console.error("usage: LK_BENCH_TOKEN=… node list-devices.mjs GRAPH_URL");
  process.exit(2);
}
const select =
  "id,deviceName,userPrincipalName,userDisplayName,emailAddress,serialNumber,imei," +
  "operatingSystem,osVersion,model,manufacturer,deviceEnrollmentType,managedDeviceOwnerType," +
  "managementAgent,isSupervised,complianceState,lastSyncDateTime,enrolledDateTime," +
  "deviceType,ownerType,joinType";

// The SDK's default chain, with its AuthenticationHandler swapped for one that also signs plain
// HTTP to loopback: the stock handler strips the token from any non-HTTPS URL, and the sandbox
// speaks HTTP. Retry, redirect and telemetry handlers stay as the SDK ships them.
class BearerHandler {
  async execute(context) {
    // The SDK takes only https:// nextLinks as absolute and prefixes anything else with the
    // base URL; undo that for the loopback sandbox (the link itself is followed unchanged).
    if (typeof context.request === "string") {
      const again = context.request.indexOf("http://", 1);
      if (again > 0) context.request = context.request.substring(again);
    }
    context.options.headers = { ...(context.options.headers || {}), Authorization: `Bearer ${token}` };
    return this.next.execute(context);
  }
  setNext(next) {
    this.next = next;
  }
}
const chain = [new BearerHandler(), new RetryHandler(new RetryHandlerOptions()),
               new RedirectHandler(new RedirectHandlerOptions()), new TelemetryHandler(), new HTTPMessageHandler()];
for (let i = 0; i < chain.length - 1; i++) chain[i].setNext(chain[i + 1]);
const client = Client.initWithMiddleware({ baseUrl: graphUrl, defaultVersion: "beta", middleware: chain[0] });

function writeDevices(path, all) {
  const fd = openSync(path, "w");
  let chunk = "[";
  all.forEach((device, i) => {
    chunk += (i > 0 ? ",\n  " : "\n  ") + JSON.stringify(device, null, 2).replaceAll("\n", "\n  ");
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = "";
    }
  });
  writeSync(fd, chunk + (all.length > 0 ? "\n]\n" : "]\n"));
  closeSync(fd);
}

// What the process holds before the listing: the listing's own increase over it, divided by the
// devices, is what holding one device costs the SDK (as lk-bench measures Latchkey's).
const baseRssKb = process.memoryUsage().rss / 1024;
const start = process.hrtime.bigint();
const devices = [];
const first = await client.api("/deviceManagement/managedDevices").select(select).top(1000).count(true).get();
const firstPage = Number(process.hrtime.bigint() - start) / 1e9;
const iterator = new PageIterator(client, first, (device) => {
  devices.push(device);
  return true;
});
await iterator.iterate();
if (out) writeDevices(out, devices);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ seconds, first_page: firstPage, devices: devices.length,
                             peak_rss_kb: process.resourceUsage().maxRSS, base_rss_kb: baseRssKb,
                             cpu_seconds: (cpu.user + cpu.system) / 1e6 }));
