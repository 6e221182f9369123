package dev.switchboard.controlplane.support;

import dev.switchboard.model.config.ApiKey;

/** The config of the scale measurements, as JSON: 100 accounts of 100 models, 1,000 service accounts, 100,000 keys. */
public final class ScaleConfig {

    private ScaleConfig() {
    }

    public static String json() {
        StringBuilder json = new StringBuilder("{\"provider_accounts\":[");
        for (int a = 0; a < 100; a++) {
            json.append(a == 0 ? "" : ",").append("{\"name\":\"acct-").append(a)
                    .append("\",\"type\":\"openai-compatible\",\"base_url\":\"http://127.0.0.1:9/v1\",\"models\":[");
            for (int m = 0; m < 100; m++) {
                json.append(m == 0 ? "" : ",").append("{\"id\":\"model-").append(m).append("\"}");
            }
            json.append("]}");
        }
        json.append("],\"service_accounts\":[");
        for (int s = 0; s < 1000; s++) {
            json.append(s == 0 ? "" : ",").append("{\"name\":\"sa-").append(s).append("\"}");
        }
        json.append("],\"api_keys\":[");
        for (int k = 0; k < 100_000; k++) {
            json.append(k == 0 ? "" : ",").append("{\"name\":\"key-").append(k).append("\",\"subject\":\"service_account:sa-")
                    .append(k % 1000).append("\",\"key_hash\":\"").append(ApiKey.hashOf("sk-sb-scale-" + k)).append("\"}");
        }
        json.append("]}");
        return json.toString();
    }
}
