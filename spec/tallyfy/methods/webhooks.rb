# Tallyfy webhooks, written by hand: registering takes several calls the spec
# cannot chain (tallyfy-api.md §5.11). connector.yaml wires these into the
# instant triggers. Workato calls unsubscribe with the subscription only, so
# subscribe stores everything unsubscribing needs.
{
  # Org-wide events through the watcher API (needs an administrator).
  tallyfy_watch_organization: lambda do |webhook_url, connection, _input, _recipe_id|
    org = connection['organization_id'].to_s
    me = get('me').after_error_response(400, 401, 403, 404, 429, 500, 502, 503, 504) do |code, body, headers, message|
      call(:api_error, 'Read the connected user', code, body, headers, message)
    end['data']
    # One after_error_response per request: a second call would replace it.
    created = post("organizations/#{org.encode_url}/users/#{me['id'].to_s.encode_url}/add-watcher",
                   object_type: 'organization', object_id: org, notification_type: 'webhook',
                   frequency: 'electric', webhook: webhook_url)
              .after_error_response(400, 401, 403, 404, 422, 429, 500, 502, 503, 504) do |code, body, headers, message|
                if code.to_i == 403
                  error('Tallyfy refused to register the webhook: org-wide webhooks need a Tallyfy administrator. ' \
                        'Connect with an administrator\'s token, or use the polling trigger instead.')
                end
                call(:api_error, 'Register the webhook', code, body, headers, message)
              end
    watcher = created['data']
    if watcher.blank?
      # Tallyfy may answer 204 without the new watcher: find it by address.
      listed = get("organizations/#{org.encode_url}/watchers")
               .params(notification: 'webhook')
               .after_error_response(400, 401, 403, 404, 429, 500, 502, 503, 504) do |code, body, headers, message|
                 call(:api_error, 'Find the webhook', code, body, headers, message)
               end['data']
      watcher = Array.wrap(listed).find { |w| [w['webhook'], w['webhook_url'], w['url']].include?(webhook_url) }
    end
    error('Tallyfy accepted the webhook but did not return it, and it is not in the watcher list.') if watcher.blank?

    { 'id' => watcher['id'], 'organization_id' => org }
  end,

  tallyfy_unwatch_organization: lambda do |subscription|
    delete("organizations/#{subscription['organization_id'].to_s.encode_url}/remove-watcher/#{subscription['id'].to_s.encode_url}")
      .after_error_response(400, 401, 403, 404, 422, 429, 500, 502, 503, 504) do |code, body, headers, message|
        # Already removed (e.g. by hand in Tallyfy) is what we wanted.
        call(:api_error, 'Remove the webhook', code, body, headers, message) unless code.to_i == 404
        {}
      end
      .presence
  end,

  # Template webhooks: point the chosen template's webhook at the recipe while
  # it runs, and put the previous address back when it stops.
  tallyfy_set_template_webhook: lambda do |webhook_url, connection, input, _recipe_id|
    template_id = input['checklist_id']
    error('Pick the template whose webhook this recipe listens to.') if template_id.blank?

    org = connection['organization_id'].to_s
    path = "organizations/#{org.encode_url}/checklists/#{template_id.to_s.encode_url}"
    previous = get(path).after_error_response(400, 401, 403, 404, 429, 500, 502, 503, 504) do |code, body, headers, message|
      call(:api_error, 'Read the template', code, body, headers, message)
    end.dig('data', 'webhook')
    put(path, webhook: webhook_url).after_error_response(400, 401, 403, 404, 422, 429, 500, 502, 503, 504) do |code, body, headers, message|
      call(:api_error, 'Set the template webhook', code, body, headers, message)
    end.presence
    { 'organization_id' => org, 'checklist_id' => template_id, 'previous_webhook' => previous }
  end,

  tallyfy_restore_template_webhook: lambda do |subscription|
    path = "organizations/#{subscription['organization_id'].to_s.encode_url}/checklists/#{subscription['checklist_id'].to_s.encode_url}"
    put(path, webhook: subscription['previous_webhook']).after_error_response(400, 401, 403, 404, 422, 429, 500, 502, 503, 504) do |code, body, headers, message|
      call(:api_error, 'Restore the template webhook', code, body, headers, message)
    end.presence
  end
}
