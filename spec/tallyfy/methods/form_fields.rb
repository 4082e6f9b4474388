# Tallyfy form fields, written by hand because the spec cannot say it: how each
# Tallyfy field type (tallyfy-api.md §6) becomes a Workato input, and how the
# recipe's values become the shapes Tallyfy's validator expects. The same
# validator checks a launch's `prerun` and a task update's `taskdata`, so both
# use these methods. connector.yaml wires them in (dynamic_inputs, before).
{
  # Workato input fields for Tallyfy field definitions (kick-off fields of a
  # template, or form fields of a task). Field names carry the field's ID,
  # which is also the key Tallyfy wants the value under.
  tallyfy_form_schema: lambda do |definitions|
    Array.wrap(definitions).sort_by { |d| d['position'].to_i }.map do |d|
      base = {
        name: "field_#{d['id']}",
        label: d['label'].presence || d['alias'].presence || d['id'].to_s,
        optional: !d['required'],
        hint: d['guidance'].to_s.strip.presence
      }.compact
      options = Array.wrap(d['options']).map { |o| [o['text'].to_s, o['id'].to_s] }
      text_toggle = lambda do |hint|
        { name: base[:name], label: base[:label], type: 'string', control_type: 'text',
          optional: base[:optional], toggle_hint: 'Use custom value', hint: hint }
      end
      case d['field_type']
      when 'textarea'
        base.merge(type: 'string', control_type: 'text-area')
      when 'email'
        base.merge(type: 'string', control_type: 'email')
      when 'date'
        base.merge(type: 'date_time', control_type: 'date_time', convert_input: 'render_iso8601_timestamp')
      when 'radio'
        base.merge(type: 'string', control_type: 'select', pick_list: options.map { |text, _id| [text, text] },
                   toggle_hint: 'Select from list',
                   toggle_field: text_toggle.call('The option text exactly as shown in Tallyfy.'))
      when 'dropdown'
        base.merge(type: 'string', control_type: 'select', pick_list: options,
                   toggle_hint: 'Select from list',
                   toggle_field: text_toggle.call('The option text, or its number.'))
      when 'multiselect'
        base.merge(type: 'string', control_type: 'multiselect', pick_list: options, delimiter: ',',
                   toggle_hint: 'Select from list',
                   toggle_field: text_toggle.call('Option texts or numbers, separated by commas.'))
      when 'table'
        base.merge(type: 'object', properties: Array.wrap(d['columns']).map do |c|
          { name: "column_#{c['id']}", label: c['label'].to_s, type: 'string', optional: true }
        end)
      when 'assignees_form'
        base.merge(type: 'object', properties: [
          { name: 'users', label: 'Member IDs', type: 'string', optional: true,
            hint: 'Member IDs (numbers), separated by commas.' },
          { name: 'guests', label: 'Guest emails', type: 'string', optional: true,
            hint: 'Guest email addresses, separated by commas.' },
          { name: 'groups', label: 'Group IDs', type: 'string', optional: true,
            hint: 'Group IDs, separated by commas.' }
        ])
      when 'file'
        base.merge(type: 'string', control_type: 'text',
                   hint: [base[:hint], 'IDs of files uploaded with the Upload file action, separated by commas.'].compact.join(' '))
      else
        base.merge(type: 'string', control_type: 'text')
      end
    end
  end,

  # Turns the recipe's values (keyed field_<id>) into Tallyfy's value shapes
  # (keyed <id>): dropdown {id, text, value}, multiselect with selected: true,
  # table one entry per column in column order, assignees {users, guests,
  # groups}, files as the asset objects the upload endpoint returned.
  tallyfy_form_values: lambda do |connection, definitions, values|
    values = values.is_a?(Hash) ? values : {}
    split = lambda { |text| text.to_s.split(',').map(&:strip).reject(&:empty?) }
    Array.wrap(definitions).each_with_object({}) do |d, out|
      value = values["field_#{d['id']}"]
      next if value.nil? || value == '' || (value.is_a?(Hash) && value.values.all?(&:blank?))

      options = Array.wrap(d['options'])
      option_for = lambda do |given|
        text = given.to_s.strip
        options.find { |o| o['id'].to_s == text } ||
          options.find { |o| o['text'].to_s.casecmp?(text) } ||
          error("#{d['label']}: \"#{text}\" is not one of its options (#{options.map { |o| o['text'] }.join(', ')}).")
      end
      out[d['id']] =
        case d['field_type']
        when 'dropdown'
          option = option_for.call(value)
          { 'id' => option['id'], 'text' => option['text'], 'value' => nil }
        when 'multiselect'
          (value.is_a?(Array) ? value : split.call(value)).map do |given|
            option = option_for.call(given)
            { 'id' => option['id'], 'text' => option['text'], 'value' => nil, 'selected' => true }
          end
        when 'radio'
          options.empty? ? value.to_s : option_for.call(value)['text']
        when 'table'
          Array.wrap(d['columns']).map { |c| value["column_#{c['id']}"].to_s }
        when 'assignees_form'
          {
            'users' => split.call(value['users']).map { |id| id.match?(/\A\d+\z/) ? id.to_i : id },
            'guests' => split.call(value['guests']),
            'groups' => split.call(value['groups'])
          }
        when 'file'
          split.call(value).map do |asset_id|
            get("organizations/#{connection['organization_id'].to_s.encode_url}/assets/#{asset_id.encode_url}")
              .after_error_response(400, 401, 403, 404, 429, 500, 502, 503, 504) do |code, body, headers, message|
                call(:api_error, "Read file #{asset_id}", code, body, headers, message)
              end['data']
          end
        when 'date'
          value.respond_to?(:iso8601) ? value.iso8601 : value.to_s
        else
          value.to_s
        end
    end
  end,

  # Kick-off form: the fields of the chosen template, for launch_process.
  tallyfy_kickoff_definitions: lambda do |connection, template_id|
    response = get("organizations/#{connection['organization_id'].to_s.encode_url}/checklists/#{template_id.to_s.encode_url}")
               .after_error_response(400, 401, 403, 404, 429, 500, 502, 503, 504) do |code, body, headers, message|
                 call(:api_error, 'Read the template\'s kick-off form', code, body, headers, message)
               end
    Array.wrap(response.dig('data', 'prerun'))
  end,

  kickoff_input_fields: lambda do |connection, config_fields|
    template_id = config_fields['checklist_id']
    next [] if template_id.blank?

    definitions = call(:tallyfy_kickoff_definitions, connection, template_id)
    next [] if definitions.empty?

    [{ name: 'kickoff_form', label: 'Kick-off form', type: 'object', optional: definitions.none? { |d| d['required'] },
       hint: 'The kick-off form of the chosen template.', properties: call(:tallyfy_form_schema, definitions) }]
  end,

  kickoff_values: lambda do |connection, input|
    next nil if input['kickoff_form'].blank?

    definitions = call(:tallyfy_kickoff_definitions, connection, input['checklist_id'])
    call(:tallyfy_form_values, connection, definitions, input['kickoff_form']).presence
  end,

  # Task form: the form fields of one task of a process.
  tallyfy_task_definitions: lambda do |connection, run_id, task_id|
    response = get("organizations/#{connection['organization_id'].to_s.encode_url}/runs/#{run_id.to_s.encode_url}/tasks/#{task_id.to_s.encode_url}")
               .params(with: 'form_fields')
               .after_error_response(400, 401, 403, 404, 429, 500, 502, 503, 504) do |code, body, headers, message|
                 call(:api_error, 'Read the task\'s form fields', code, body, headers, message)
               end
    Array.wrap(response.dig('data', 'form_fields', 'data'))
  end,

  task_form_input_fields: lambda do |connection, config_fields|
    next [] if config_fields['run_id'].blank? || config_fields['task_id'].blank?

    definitions = call(:tallyfy_task_definitions, connection, config_fields['run_id'], config_fields['task_id'])
    next [] if definitions.empty?

    [{ name: 'task_form', label: 'Form fields', type: 'object', optional: true,
       hint: 'The form fields of the chosen task. Values left empty are not changed.',
       properties: call(:tallyfy_form_schema, definitions).map { |f| call(:tallyfy_optional_field, f) } }]
  end,

  # A field (and its toggle: Workato requires both to agree) made optional,
  # for task forms where empty means "leave unchanged".
  tallyfy_optional_field: lambda do |field|
    field = field.merge(optional: true)
    field[:toggle_field] = field[:toggle_field].merge(optional: true) if field[:toggle_field]
    field
  end,

  task_form_values: lambda do |connection, input|
    next nil if input['task_form'].blank?

    definitions = call(:tallyfy_task_definitions, connection, input['run_id'], input['task_id'])
    call(:tallyfy_form_values, connection, definitions, input['task_form']).presence
  end,

  # Before completing a task: save its form values first (Tallyfy does not
  # take them in the completion request). nil skips the save.
  task_form_save: lambda do |connection, input, _previous|
    values = call(:task_form_values, connection, input)
    values.nil? ? nil : { 'taskdata' => values }
  end
}
