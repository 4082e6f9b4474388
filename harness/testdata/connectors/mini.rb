# A few-action connector shaped like the generated Tallyfy one, with one
# deliberate mistake per action (named after it) for the harness tests.
{
  title: 'Tallyfy mini',
  connection: {
    fields: [{ name: 'api_token', control_type: 'password' }, { name: 'organization_id' }],
    authorization: {
      type: 'custom_auth',
      apply: lambda do |connection|
        headers('Authorization' => "Bearer #{connection['api_token']}", 'X-Tallyfy-Client' => 'APIClient')
      end
    },
    base_uri: lambda do |_connection|
      'https://go.tallyfy.com/api/'
    end
  },
  test: lambda do |_connection|
    get('me')
  end,
  actions: {
    launch_process: {
      input_fields: lambda do
        [{ name: 'checklist_id' }, { name: 'name' }, { name: 'count', type: 'integer', optional: true }]
      end,
      execute: lambda do |connection, input|
        puts "launching #{input['checklist_id']}"
        post("organizations/#{connection['organization_id']}/runs", checklist_id: input['checklist_id'], name: input['name'])
          .after_error_response(/.*/) { |code, body, _h, _m| error("#{code} #{body}") }['data']
      end
    },
    launch_process_dropped: {
      input_fields: lambda do
        [{ name: 'checklist_id' }, { name: 'name' }]
      end,
      execute: lambda do |connection, input|
        post("organizations/#{connection['organization_id']}/runs", checklist_id: input['checklist_id'])['data']
      end
    },
    launch_process_renamed: {
      input_fields: lambda do
        [{ name: 'checklist_id' }, { name: 'name' }]
      end,
      execute: lambda do |connection, input|
        post("organizations/#{connection['organization_id']}/runs", template_id: input['checklist_id'], name: input['name'])['data']
      end
    },
    launch_process_count: {
      input_fields: lambda do
        [{ name: 'checklist_id' }, { name: 'name' }, { name: 'count' }]
      end,
      execute: lambda do |connection, input|
        post("organizations/#{connection['organization_id']}/runs",
             checklist_id: input['checklist_id'], name: input['name'], count: input['count'].to_s)['data']
      end
    },
    launch_process_unwrapped: {
      input_fields: lambda do
        [{ name: 'checklist_id' }, { name: 'name' }]
      end,
      execute: lambda do |connection, input|
        post("organizations/#{connection['organization_id']}/runs", checklist_id: input['checklist_id'], name: input['name'])
      end
    },
    get_process: {
      input_fields: lambda do
        [{ name: 'id' }]
      end,
      execute: lambda do |connection, input|
        get("organizations/#{connection['organization_id']}/runs/#{input['id']}")
          .headers('X-Request-Source' => 'workato')['data']
      end
    },
    get_process_wrong_path: {
      input_fields: lambda do
        [{ name: 'id' }]
      end,
      execute: lambda do |connection, input|
        get("organizations/#{connection['organization_id']}/run/#{input['id']}")['data']
      end
    },
    build_only: {
      execute: lambda do |_connection, _input|
        get('me')
        { done: true }
      end
    },
    extra_request: {
      execute: lambda do |_connection, _input|
        first = get('me')['data']
        second = get('me')['data']
        { first: first, second: second }
      end
    },
    raises: {
      execute: lambda do |_connection, _input|
        error('Custom failure: template is archived')
      end
    },
    loops: {
      execute: lambda do |_connection, _input|
        loop {}
      end
    },
    dies: {
      execute: lambda do |_connection, _input|
        puts 'about to die'
        Process.kill(:KILL, Process.pid)
      end
    },
    uncovered_action: {
      execute: lambda do |_connection, _input|
        {}
      end
    }
  },
  triggers: {
    new_processes: {
      poll: lambda do |connection, _input, closure|
        page = closure || 1
        runs = get("organizations/#{connection['organization_id']}/runs").params(page: page, per_page: 2)['data']
        { events: runs, next_poll: page + 1, can_poll_more: runs.size == 2 }
      end,
      dedup: lambda do |run|
        run['id']
      end,
      webhook_notification: lambda do |_input, payload|
        payload['data']
      end
    }
  }
}
